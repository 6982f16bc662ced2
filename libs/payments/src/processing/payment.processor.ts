import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bull';
import { AppConfig } from '#platform';
import { PaymentQueue, POST_PAYMENT_JOB, type PostPaymentJob } from './payment-queue.js';
import { PostingBatcher } from './posting-batcher.js';

/**
 * Consumes the payments queue. A business failure (insufficient funds) ends the payment FAILED
 * and the job succeeds; an infrastructure error fails the job, which Bull retries with backoff.
 */
@Injectable()
export class PaymentProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly payments: PaymentQueue,
    private readonly batcher: PostingBatcher,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.payments.queue.process(POST_PAYMENT_JOB, this.config.workerConcurrency, (job: Job<PostPaymentJob>) =>
      this.batcher.post(job.data.paymentId),
    );
  }
}
