import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { Gauge, metric } from '#platform';

export const PAYMENTS_QUEUE = 'payments';
export const POST_PAYMENT_JOB = 'post-payment';
const ENQUEUE_TIMEOUT_MS = 1000;

export interface PostPaymentJob {
  paymentId: string;
}

/**
 * The producer side of the payments queue. The payment row, not the job, is the source of truth:
 * a job that cannot be enqueued (Redis down) only delays the payment until the next sweep, so
 * enqueueing never fails a request.
 */
@Injectable()
export class PaymentQueue {
  private readonly logger = new Logger('PaymentQueue');

  constructor(@InjectQueue(PAYMENTS_QUEUE) readonly queue: Queue<PostPaymentJob>) {
    metric(
      'billing_queue_jobs',
      () =>
        new Gauge({
          name: 'billing_queue_jobs',
          help: 'Jobs in the payments queue by state',
          labelNames: ['state'],
          collect: async function (this: Gauge) {
            const counts = await queue.getJobCounts().catch(() => undefined);
            if (!counts) return;
            for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) this.set({ state }, counts[state]);
          },
        }),
    );
  }

  async enqueue(paymentId: string): Promise<boolean> {
    const adding = this.queue.add(POST_PAYMENT_JOB, { paymentId }, {
      jobId: paymentId, // a duplicate enqueue is a no-op
      attempts: 5,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: 1000,
      removeOnFail: 5000,
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis in ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
    });
    try {
      await Promise.race([adding, timeout]);
      return true;
    } catch (error) {
      adding.catch(() => undefined);
      this.logger.warn(`payment ${paymentId} not enqueued, the sweeper will post it: ${(error as Error).message}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
