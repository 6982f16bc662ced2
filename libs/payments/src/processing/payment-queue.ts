import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { Gauge, metric, withTimeout } from '#platform';

export const PAYMENTS_QUEUE = 'payments';
export const POST_PAYMENTS_JOB = 'post-payments';
const ENQUEUE_TIMEOUT_MS = 1000;

export interface PostPaymentsJob {
  paymentIds: string[];
}

/**
 * The producer side of the payments queue. The payment row, not the job, is the source of truth:
 * a job that cannot be enqueued (Redis down) only delays its payments until the next sweep, so
 * enqueueing never fails a request.
 *
 * One job carries the payments accepted together (one INSERT), not one job per payment: a job
 * costs the same Redis work whatever it carries. The job id is the first payment's id, so
 * enqueueing the same payments again is a no-op; a payment in two jobs is still posted once.
 */
@Injectable()
export class PaymentQueue {
  private readonly logger = new Logger('PaymentQueue');

  constructor(@InjectQueue(PAYMENTS_QUEUE) readonly queue: Queue<PostPaymentsJob>) {
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

  async enqueue(paymentIds: string[]): Promise<boolean> {
    if (!paymentIds.length) return true;
    const adding = this.queue.add(
      POST_PAYMENTS_JOB,
      { paymentIds },
      {
        jobId: paymentIds[0],
        attempts: 5,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: 1000,
        removeOnFail: 5000,
      },
    );
    try {
      await withTimeout(adding, ENQUEUE_TIMEOUT_MS, `no answer from Redis in ${ENQUEUE_TIMEOUT_MS} ms`);
      return true;
    } catch (error) {
      this.logger.warn(
        `${paymentIds.length} payment(s) not enqueued, the sweeper will post them: ${(error as Error).message}`,
      );
      return false;
    }
  }
}
