import { Injectable } from '@nestjs/common';
import type { PayOrderBody, PaymentCallback } from '@platform/contracts';
import type { CallerIdentity } from '@platform/identity';
import { OrderCommands, type VersionedOrder } from '../../orders/application/order-commands.service';
import { UnitOfWork } from '../../persistence/unit-of-work';
import { PaymentRecords } from '../infrastructure/payment-records';

/**
 * How an order gets paid: the provider reports it (a verified callback, applied once per
 * provider event id), or staff record it by hand with a reason. Each commits the OrderPaid and
 * its record in one transaction.
 */
@Injectable()
export class Payments {
  constructor(
    private readonly orders: OrderCommands,
    private readonly records: PaymentRecords,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /** Applies a verified callback; `duplicate` when this event id was applied before (nothing recorded). */
  applyCallback(callback: PaymentCallback): Promise<{ duplicate: boolean }> {
    const { orderId, paymentId, amountMinor, currency } = callback.data;
    return this.unitOfWork.run(async () => {
      if (!(await this.records.claimCallback(callback.id, orderId, paymentId))) return { duplicate: true };
      await this.orders.payFromProvider({ orderId, paymentReference: paymentId, amountMinor, currency });
      return { duplicate: false };
    });
  }

  /** Staff record a payment the provider never saw (403 for anyone else). */
  recordByStaff(
    caller: CallerIdentity,
    orderId: string,
    payment: PayOrderBody,
    ifMatch?: number,
  ): Promise<VersionedOrder> {
    const { reason, ...paid } = payment;
    return this.unitOfWork.run(async () => {
      const order = await this.orders.change(
        caller,
        orderId,
        'recordPayment',
        (details) => ({ type: 'PayOrder', orderId: details.orderId, ...paid }),
        ifMatch,
      );
      await this.records.recordManual({
        orderId,
        paymentReference: paid.paymentReference,
        recordedBy: caller.userId,
        reason,
      });
      return order;
    });
  }
}
