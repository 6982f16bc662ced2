import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger as Pino } from 'pino';
import pretty from 'pino-pretty';
import type { AppConfig } from '../config/app-config.js';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Nest's own start-up narration (a line per module and route): worth reading only when debugging. */
const NEST_START_UP_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RouterExplorer',
  'WebSocketsController',
  'NestApplication',
]);
/**
 * Names each controller with the global prefix even where it is excluded (`/api/v1/health` for
 * `/health`); RouterExplorer's lines say the real paths.
 */
const MISLEADING_CONTEXTS: ReadonlySet<string> = new Set(['RoutesResolver']);

/**
 * Where the lines go. In production and in tests, JSON on standard output, asynchronously: lines
 * that arrive while a write is in flight go out together in the next one, instead of one blocking
 * write(2) per line, a cost the benchmark sees in the api's CPU (docs/performance.md, "Figures moved
 * out of the code"); pino writes what is still buffered synchronously when the process exits.
 * In development, pino-pretty in the process and synchronously, colourised on a terminal: a person
 * reads these, so a write per line costs nothing that matters, and none is lost when the process
 * dies. Not a pino transport: that is a worker thread per process, for no gain here.
 */
export function logDestination(nodeEnv: AppConfig['nodeEnv']): DestinationStream {
  if (nodeEnv !== 'development') return pino.destination({ dest: 1, sync: false });
  return pretty({
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    singleLine: true,
    // A request's line and a logged mail say everything in their message already.
    ignore: 'pid,hostname,context,req,res,responseTime,mail',
    messageFormat:
      '{if context}[{context}] {end}{msg}{if req.method}: {req.method} {req.url} → {res.statusCode} in {responseTime} ms{end}',
  });
}

/**
 * Nest's logger interface over pino. A line about a request names its id (`reqId`)
 * itself: no AsyncLocalStorage carries it, because on Node 20 that turns on a hook for every
 * promise, a cost the benchmark sees in the api's CPU (docs/performance.md, "No AsyncLocalStorage").
 * (nestjs-pino does the same but is CommonJS, which jest cannot load next to ESM-only NestJS 12.)
 */
export class AppLogger implements LoggerService {
  readonly pino: Pino;

  constructor(level: string, destination: DestinationStream) {
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

  private write(wanted: Level, message: unknown, params: unknown[]) {
    const context = typeof params.at(-1) === 'string' ? (params.at(-1) as string) : undefined;
    if (context && MISLEADING_CONTEXTS.has(context)) return;
    const level = wanted === 'info' && context && NEST_START_UP_CONTEXTS.has(context) ? 'debug' : wanted;
    if (!this.pino.isLevelEnabled(level)) return;
    if (context) params.pop();
    const bindings: Record<string, unknown> = { context };
    if (level === 'error' && typeof params[0] === 'string') bindings.stack = params.shift();
    if (message instanceof Error) this.pino[level]({ ...bindings, err: message }, message.message);
    else if (typeof message === 'object' && message !== null)
      this.pino[level]({ ...bindings, ...message }, typeof params[0] === 'string' ? params[0] : undefined);
    else this.pino[level](bindings, String(message));
  }
}
