import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger as Pino } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's logger interface over pino: JSON lines. A line about a request names its id (`reqId`)
 * itself: no AsyncLocalStorage carries it, because on Node 20 that turns on a hook for every
 * promise, a cost the benchmark sees in the api's CPU (docs/performance.md, "No AsyncLocalStorage").
 * (nestjs-pino does the same but is CommonJS, which jest cannot load next to ESM-only NestJS 12.)
 */
export class AppLogger implements LoggerService {
  readonly pino: Pino;

  /**
   * Standard output, asynchronously: lines that arrive while a write is in flight go out together
   * in the next one, instead of one blocking write(2) per line (a fifth of the api's CPU per
   * request under load). pino writes what is still buffered synchronously when the process exits.
   */
  constructor(level: string, destination: DestinationStream = pino.destination({ dest: 1, sync: false })) {
    this.pino = pino({ level, base: { pid: process.pid } }, destination);
  }

  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]) {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = typeof params.at(-1) === 'string' ? (params.pop() as string) : undefined;
    const bindings: Record<string, unknown> = { context };
    if (level === 'error' && typeof params[0] === 'string') bindings.stack = params.shift();
    if (message instanceof Error) this.pino[level]({ ...bindings, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.pino[level]({ ...bindings, ...message }, typeof params[0] === 'string' ? params[0] : undefined);
    else this.pino[level](bindings, String(message));
  }
}
