import { backoffMs, MAX_RETRY_AFTER_MS, outcomeOf, parseRetryAfter } from './retry-policy.js';

const policy = { baseMs: 60_000, maxAttempts: 12 };
const now = Date.parse('2026-01-31T12:00:00.000Z');
const noJitter = () => 0;

describe('backoffMs', () => {
  it('doubles from the base with each attempt', () => {
    expect([1, 2, 3, 4, 12].map((attempt) => backoffMs(attempt, 60_000, noJitter))).toEqual([
      60_000,
      120_000,
      240_000,
      480_000,
      60_000 * 2048,
    ]);
  });

  it('adds at most a tenth of jitter', () => {
    expect(backoffMs(3, 1000, () => 0.999)).toBeLessThanOrEqual(4400);
    expect(backoffMs(3, 1000, () => 0.5)).toBe(4200);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Sat, 31 Jan 2026 12:00:30 GMT', now)).toBe(30_000);
  });

  it('reads a date already past as now', () => {
    expect(parseRetryAfter('Sat, 31 Jan 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('caps what it is asked to wait', () => {
    expect(parseRetryAfter('999999999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('Fri, 31 Dec 2100 00:00:00 GMT', now)).toBe(MAX_RETRY_AFTER_MS);
  });

  it.each([[undefined], [''], ['soon'], ['-5'], ['1.5'], ['12345678901234567890x']])('ignores %p', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('outcomeOf', () => {
  it.each([[200], [201], [204], [299]])('counts %s as delivered', (statusCode) => {
    expect(outcomeOf({ statusCode }, 1, policy, now)).toEqual({
      status: 'SUCCEEDED',
      statusCode,
      error: null,
      retryInMs: null,
    });
  });

  it.each([[500], [502], [503], [408], [429]])('retries %s with backoff', (statusCode) => {
    expect(outcomeOf({ statusCode }, 3, policy, now, noJitter)).toEqual({
      status: 'PENDING',
      statusCode,
      error: `answered HTTP ${statusCode}`,
      retryInMs: 240_000,
    });
  });

  it('retries no answer at all (network error, timeout, refused address)', () => {
    expect(outcomeOf({ error: 'connect ECONNREFUSED' }, 1, policy, now, noJitter)).toEqual({
      status: 'PENDING',
      statusCode: null,
      error: 'connect ECONNREFUSED',
      retryInMs: 60_000,
    });
  });

  it('honours Retry-After on a 429 or a 503', () => {
    expect(outcomeOf({ statusCode: 429, retryAfter: '2' }, 1, policy, now).retryInMs).toBe(2000);
    expect(outcomeOf({ statusCode: 503, retryAfter: 'Sat, 31 Jan 2026 12:01:00 GMT' }, 1, policy, now).retryInMs).toBe(
      60_000,
    );
  });

  it('falls back to backoff when Retry-After is malformed', () => {
    expect(outcomeOf({ statusCode: 429, retryAfter: 'later' }, 2, policy, now, noJitter).retryInMs).toBe(120_000);
  });

  it.each([[400], [401], [403], [404], [410], [422], [301], [302], [307], [100]])(
    'fails %s at once, without retrying',
    (statusCode) => {
      expect(outcomeOf({ statusCode }, 1, policy, now)).toEqual({
        status: 'FAILED',
        statusCode,
        error: `answered HTTP ${statusCode}`,
        retryInMs: null,
      });
    },
  );

  it('fails after the last attempt', () => {
    expect(outcomeOf({ statusCode: 500 }, 11, policy, now).status).toBe('PENDING');
    expect(outcomeOf({ statusCode: 500 }, 12, policy, now).status).toBe('FAILED');
    expect(outcomeOf({ error: 'timeout' }, 13, policy, now).status).toBe('FAILED');
  });
});
