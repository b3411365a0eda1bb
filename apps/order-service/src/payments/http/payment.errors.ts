import type { PaymentSignatureProblem } from '@platform/contracts';
import { OrderError } from '../../orders/domain/order.errors';

const REASONS: Record<PaymentSignatureProblem, string> = {
  missing: 'the payment-signature header is missing',
  malformed: 'the payment-signature header is not t=<unix seconds>,v1=<hex>',
  stale: 'the signature is older than 5 minutes (or from the future): a replay or a skewed clock',
  mismatch: 'the signature does not match the body',
};

/** A callback whose signature does not hold: it is not from the payment provider. */
export class InvalidPaymentSignature extends OrderError {
  override readonly name = 'InvalidPaymentSignature';
  readonly code = 'PAYMENT.INVALID_SIGNATURE';

  constructor(readonly problem: PaymentSignatureProblem) {
    super(REASONS[problem]);
  }
}

/** A signed callback whose body is not a payment we understand; `errors` names each field. */
export class InvalidPaymentCallback extends OrderError {
  override readonly name = 'InvalidPaymentCallback';
  readonly code = 'PAYMENT.INVALID_CALLBACK';

  constructor(readonly errors: { path: string; message: string }[]) {
    super('the callback body is not a payment this service understands');
  }
}
