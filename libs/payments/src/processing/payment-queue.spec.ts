import type { Queue } from 'bull';
import { PaymentQueue, type PostPaymentsJob } from './payment-queue.js';

describe('PaymentQueue', () => {
  /** A Bull queue whose adds answer only when the test says so. */
  function slowQueue() {
    const answers: Array<() => void> = [];
    const queue = {
      add: () => new Promise<void>((resolve) => answers.push(resolve)),
      getJobCounts: () => Promise.resolve({}),
    } as unknown as Queue<PostPaymentsJob>;
    return { queue, answerAll: () => answers.splice(0).forEach((answer) => answer()) };
  }

  it('lets shutdown wait for the enqueues still in flight', async () => {
    const { queue, answerAll } = slowQueue();
    const payments = new PaymentQueue(queue);
    const enqueued = payments.enqueue(['0193a1b2-0000-7000-8000-000000000001']);

    let shutDown = false;
    const shutdown = payments.beforeApplicationShutdown().then(() => (shutDown = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(shutDown).toBe(false);

    answerAll();
    await shutdown;
    await expect(enqueued).resolves.toBe(true);
    // Nothing left in flight: the next shutdown does not wait.
    await expect(payments.beforeApplicationShutdown()).resolves.toBeUndefined();
  });
});
