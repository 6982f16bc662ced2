import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bull';
import { AppConfig } from '#platform';
import { PaymentQueue, POST_PAYMENTS_JOB, type PostPaymentsJob } from './payment-queue.js';
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
    void this.payments.queue.process(POST_PAYMENTS_JOB, this.config.workerConcurrency, (job: Job<PostPaymentsJob>) =>
      this.batcher.post(job.data.paymentIds),
    );
  }
}
