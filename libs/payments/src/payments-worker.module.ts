import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ScheduleModule } from '@nestjs/schedule';
import { PaymentsModule } from './payments.module.js';
import { PaymentProcessor } from './processing/payment.processor.js';
import { PaymentSweeper } from './processing/payment.sweeper.js';
import { PostingBatcher } from './processing/posting-batcher.js';

/** The worker's side: the queue consumer (micro-batched) and the periodic sweeper. */
@Module({
  imports: [CqrsModule, ScheduleModule.forRoot(), PaymentsModule],
  providers: [PostingBatcher, PaymentProcessor, PaymentSweeper],
})
export class PaymentsWorkerModule {}
