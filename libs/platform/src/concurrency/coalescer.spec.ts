import { jest } from '@jest/globals';
import { Coalescer, KeyFailed } from './coalescer.js';

describe('Coalescer', () => {
  it('runs a lone key at once and the keys that arrive meanwhile together, in order', async () => {
    const calls: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const doubler = new Coalescer<number, number>(async (keys) => {
      calls.push(keys);
      if (calls.length === 1) await gate;
      return keys.map((k) => k * 2);
    });
    const first = doubler.run(1);
    const rest = [2, 3, 4].map((k) => doubler.run(k));
    release();
    expect(await Promise.all([first, ...rest])).toEqual([2, 4, 6, 8]);
    expect(calls).toEqual([[1], [2, 3, 4]]);
  });

  it('fails every key of a failed run, and runs the next ones afresh', async () => {
    let fail = true;
    const flaky = new Coalescer<string, string>(async (keys) => {
      if (fail) throw new Error('down');
      return keys.map((k) => k.toUpperCase());
    });
    await expect(flaky.run('a')).rejects.toThrow('down');
    fail = false;
    expect(await flaky.run('b')).toBe('B');
  });

  it('rejects only the key answered with KeyFailed, and resolves its neighbours', async () => {
    const picky = new Coalescer<number, number>(async (keys) =>
      keys.map((k) => (k === 2 ? new KeyFailed(new Error('two')) : k * 10)),
    );
    const [one, two, three] = await Promise.allSettled([picky.run(1), picky.run(2), picky.run(3)]);
    expect([one, three]).toEqual([
      { status: 'fulfilled', value: 10 },
      { status: 'fulfilled', value: 30 },
    ]);
    expect(two).toEqual({ status: 'rejected', reason: new Error('two') });
  });

  it('splits a crowd into runs of at most maxBatch keys', async () => {
    const sizes: number[] = [];
    const counter = new Coalescer<number, number>(
      async (keys) => {
        sizes.push(keys.length);
        return keys;
      },
      { maxBatch: 3 },
    );
    await Promise.all(Array.from({ length: 8 }, (_, i) => counter.run(i)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(8);
  });

  describe('with a minimum interval between runs', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('runs a key at once after a quiet spell, and holds the keys that follow until the interval is up', async () => {
      const calls: number[][] = [];
      const echo = new Coalescer<number, number>(
        async (keys) => {
          calls.push(keys);
          return keys;
        },
        { minIntervalMs: 50 },
      );
      expect(await echo.run(1)).toBe(1);
      const following = [echo.run(2), echo.run(3)];
      await jest.advanceTimersByTimeAsync(49);
      expect(calls).toEqual([[1]]);
      await jest.advanceTimersByTimeAsync(1);
      expect(await Promise.all(following)).toEqual([2, 3]);
      expect(calls).toEqual([[1], [2, 3]]);

      await jest.advanceTimersByTimeAsync(50);
      const afterQuiet = echo.run(4);
      await Promise.resolve();
      expect(calls).toEqual([[1], [2, 3], [4]]);
      expect(await afterQuiet).toBe(4);
    });
  });
});
