import { overloadOf } from './backpressure.js';
import { ServiceOverloaded } from './payments.errors.js';

const bounds = { maxBacklogMs: 5000, maxQueueDepth: 100 };

describe('overloadOf', () => {
  it('accepts while the oldest INITIATED payment is at most the bound old and the queue at most its depth', () => {
    expect(overloadOf({ oldestInitiatedMs: 0, queueDepth: 0 }, bounds)).toBeUndefined();
    expect(overloadOf({ oldestInitiatedMs: 5000, queueDepth: 100 }, bounds)).toBeUndefined();
  });

  it('refuses with SERVICE_OVERLOADED, a 503, once the backlog is past its bound', () => {
    const refusal = overloadOf({ oldestInitiatedMs: 5001, queueDepth: 0 }, bounds);
    expect(refusal).toBeInstanceOf(ServiceOverloaded);
    expect(refusal).toMatchObject({ code: 'SERVICE_OVERLOADED', kind: 'unavailable', retryAfterSeconds: 1 });
  });

  it('asks to retry after the time the backlog is past its bound, between 1 and 30 s', () => {
    expect(overloadOf({ oldestInitiatedMs: 12_400, queueDepth: 0 }, bounds)?.retryAfterSeconds).toBe(8);
    expect(overloadOf({ oldestInitiatedMs: 600_000, queueDepth: 0 }, bounds)?.retryAfterSeconds).toBe(30);
  });

  it('refuses once more jobs wait than the queue depth allows, however young they are', () => {
    expect(overloadOf({ oldestInitiatedMs: 10, queueDepth: 101 }, bounds)).toMatchObject({
      code: 'SERVICE_OVERLOADED',
      retryAfterSeconds: 1,
    });
  });
});
