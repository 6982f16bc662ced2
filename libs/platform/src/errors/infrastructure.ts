const outageCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);
const outageMessages =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Connection is closed|Reached the max retries per request|Driver not Connected|Stream isn't writeable|the database system is (starting up|shutting down)/i;

/** True when an error means PostgreSQL or Redis did not answer (→ 503), not that the request was wrong. */
export function isInfrastructureOutage(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && outageCodes.has(code)) return true;
    if (typeof message === 'string' && outageMessages.test(message)) return true;
    e = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}
