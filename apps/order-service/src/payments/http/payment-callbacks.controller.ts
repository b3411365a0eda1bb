import { Controller, Headers, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { PAYMENT_SIGNATURE_HEADER, paymentCallbackSchema, verifyPaymentSignature } from '@platform/contracts';
import { GatewayGuard } from '@platform/identity';
import { fieldErrors } from '@platform/service-edge';
import { ORDER_SERVICE_CONFIG, type OrderServiceConfig } from '../../config/order-service.config';
import { InvalidPaymentCallback, InvalidPaymentSignature } from './payment.errors';
import { Payments } from '../application/payments.service';

/**
 * The payment provider's callbacks, behind the gateway's public `/payments/callbacks` (no access
 * token: the HMAC signature with PAYMENT_WEBHOOK_SECRET is the authentication). The signature is
 * checked over the raw bytes before the body is trusted as anything; a redelivery answers 200
 * and records nothing, so the provider stops retrying. Like every route here it is reached only
 * through the gateway (GatewayGuard: its identity, anonymous for this route; 401 otherwise).
 */
@Controller('payments/callbacks')
@UseGuards(GatewayGuard)
export class PaymentCallbacksController {
  constructor(
    private readonly payments: Payments,
    @Inject(ORDER_SERVICE_CONFIG) private readonly config: OrderServiceConfig,
  ) {}

  @Post()
  @HttpCode(200)
  async receive(
    @Req() request: { rawBody?: Buffer; body: unknown },
    @Headers(PAYMENT_SIGNATURE_HEADER) signature: string | undefined,
  ): Promise<{ received: true; duplicate: boolean }> {
    // No JSON body (another content type) means no raw bytes either: nothing can be verified.
    const problem = verifyPaymentSignature(
      signature,
      request.rawBody ?? '',
      this.config.PAYMENT_WEBHOOK_SECRET,
    );
    if (problem !== undefined || request.rawBody === undefined) {
      throw new InvalidPaymentSignature(problem ?? 'missing');
    }
    const parsed = paymentCallbackSchema.safeParse(request.body);
    if (!parsed.success) {
      throw new InvalidPaymentCallback(fieldErrors(parsed.error.issues, { whole: '(body)' }));
    }
    const { duplicate } = await this.payments.applyCallback(parsed.data);
    return { received: true, duplicate };
  }
}
