import type { AddressInfo } from 'node:net';
import type { INestApplication, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { AppConfig, configureHttpApp, createHttpAdapter, migrateDatabase } from '#platform';
import { Mailer, type MailMessage } from '#users';
import { migrations } from '#migrations';
import { ApiModule } from '../../apps/api/src/api.module.js';

/** The test run's database; refuses anything whose name lacks "test" so no real data is ever touched. */
export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL ?? '';
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!name.includes('test'))
    throw new Error(`refusing to run tests against database "${name}": its name must contain "test"`);
  return url;
}

let migrated: Promise<unknown> | undefined;
export function migrateTestDatabase(): Promise<unknown> {
  migrated ??= migrateDatabase(testDatabaseUrl(), migrations);
  return migrated;
}

export function testConfig(env: Record<string, string> = {}): AppConfig {
  return AppConfig.fromEnv({ ...process.env, DATABASE_URL: testDatabaseUrl(), ...env });
}

/** Captures what the app would have e-mailed. */
export class Outbox extends Mailer {
  readonly sent: MailMessage[] = [];

  async send(message: MailMessage): Promise<void> {
    this.sent.push(message);
  }

  /** The confirmation link in the last message to `to`. */
  confirmationLink(to: string): URL {
    const message = this.sent.filter((m) => m.to === to).at(-1);
    const link = message?.text.match(/https?:\/\/\S+\?token=[A-Za-z0-9_-]+/)?.[0];
    if (!link) throw new Error(`no confirmation mail to ${to}`);
    return new URL(link);
  }

  /** The confirmation token in the last message to `to`. */
  confirmationToken(to: string): string {
    return this.confirmationLink(to).searchParams.get('token')!;
  }
}

export interface RunningApp {
  app: INestApplication;
  url: string;
  outbox: Outbox;
  config: AppConfig;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  customise?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Keep the app's own Mailer (SMTP when SMTP_URL is set) instead of the in-memory outbox, which then stays empty. */
  realMailer?: boolean;
  /** Runs after the HTTP set-up, before listening: e.g. the api's useRedisIoAdapter. */
  beforeListen?: (app: NestFastifyApplication) => void;
}

/**
 * Boots an app module in-process against the real PostgreSQL and Redis, listening on a free port.
 * One api per test file: passport keeps strategies per process, so a second in-process api would
 * authenticate the first one's requests (use startApiProcess from processes.ts for more).
 */
export async function startApp(module: Type = ApiModule, options: StartOptions = {}): Promise<RunningApp> {
  await migrateTestDatabase();
  const config = testConfig(options.env);
  const outbox = new Outbox();
  let builder = Test.createTestingModule({ imports: [module] })
    .overrideProvider(AppConfig)
    .useValue(config);
  if (!options.realMailer) builder = builder.overrideProvider(Mailer).useValue(outbox);
  if (options.customise) builder = options.customise(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), {
    bodyParser: false,
    bufferLogs: true,
  });
  configureHttpApp(app);
  options.beforeListen?.(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, outbox, config, close: () => app.close() };
}

/** Boots library modules without HTTP (for testing commands directly), start-up hooks included. */
export async function startContext(module: Type, env: Record<string, string> = {}): Promise<INestApplication> {
  await migrateTestDatabase();
  const moduleRef = await Test.createTestingModule({ imports: [module] })
    .overrideProvider(AppConfig)
    .useValue(testConfig(env))
    .compile();
  const app = moduleRef.createNestApplication(createHttpAdapter(), { bufferLogs: true });
  await app.init();
  return app;
}
