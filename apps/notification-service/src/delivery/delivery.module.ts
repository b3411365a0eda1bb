import { Module } from '@nestjs/common';
import { DeliveryChannels } from './application/delivery-channels';

/** Delivery: the channels a notification goes out by (email, webhook), each with its own slots. */
@Module({
  providers: [DeliveryChannels],
  exports: [DeliveryChannels],
})
export class DeliveryModule {}
