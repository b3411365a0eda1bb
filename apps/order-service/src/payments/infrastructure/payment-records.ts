import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../persistence/unit-of-work';

/** The payment_callbacks and manual_payments tables, written in the caller's unit of work. */
@Injectable()
export class PaymentRecords {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /**
   * Claims the provider's event `eventId`; false when it was claimed before (a redelivery). A
   * concurrent claim of the same id waits for the first transaction and then answers false.
   */
  async claimCallback(eventId: string, orderId: string, paymentId: string): Promise<boolean> {
    const rows = (await this.unitOfWork.runner().query(
      `INSERT INTO payment_callbacks (event_id, order_id, payment_id) VALUES ($1, $2, $3)
       ON CONFLICT (event_id) DO NOTHING RETURNING 1`,
      [eventId, orderId, paymentId],
    )) as unknown[];
    return rows.length === 1;
  }

  /** Who recorded a payment by hand, and why; the same payment again keeps the first record. */
  async recordManual(payment: {
    orderId: string;
    paymentReference: string;
    recordedBy: string;
    reason: string;
  }): Promise<void> {
    await this.unitOfWork.runner().query(
      `INSERT INTO manual_payments (order_id, payment_reference, recorded_by, reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT (order_id, payment_reference) DO NOTHING`,
      [payment.orderId, payment.paymentReference, payment.recordedBy, payment.reason],
    );
  }
}
