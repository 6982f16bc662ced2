import { withTimeout } from './with-timeout.js';

describe('withTimeout', () => {
  it('answers what the work answers in time', async () => {
    await expect(withTimeout(Promise.resolve(42), 1000, 'slow')).resolves.toBe(42);
    await expect(withTimeout(Promise.reject(new Error('broken')), 1000, 'slow')).rejects.toThrow('broken');
  });

  it("rejects with its message when the work is too slow, and swallows the work's late failure", async () => {
    let fail!: (error: Error) => void;
    const late = new Promise<never>((_, reject) => (fail = reject));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(withTimeout(late, 10, 'no answer in 10 ms')).rejects.toThrow('no answer in 10 ms');
      fail(new Error('too late'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
