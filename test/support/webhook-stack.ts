import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { startApp, type RunningApp } from './harness.js';
import { type RunningProcess, startWorkerProcess } from './processes.js';
import { ADMIN_ENV, loginAdmin, type TestUser } from './users.js';
import { startReceiver, type WebhookReceiver } from './webhook-receiver.js';

/** Deliveries to a local receiver, retried and polled within a test's patience. */
export const QUICK_WEBHOOK_ENV = {
  WEBHOOK_ALLOW_INSECURE: 'true',
  WEBHOOK_RETRY_BASE_MS: '300',
  WEBHOOK_TIMEOUT_MS: '1000',
  WEBHOOK_POLL_INTERVAL_MS: '200',
};

/** A webhooks suite's api (with an administrator) and worker process, and the receivers its tests start. */
export class WebhookStack {
  private readonly receivers: WebhookReceiver[] = [];
  private db?: DataSource;

  async start(
    env: Record<string, string>,
  ): Promise<{ api: RunningApp; db: DataSource; admin: TestUser; worker: RunningProcess }> {
    const api = await startApp(undefined, { env: { ...ADMIN_ENV, ...env } });
    this.db = api.app.get<DataSource>(getDataSourceToken());
    const admin = await loginAdmin(api);
    const worker = await startWorkerProcess(this.workerEnv(env));
    return { api, db: this.db, admin, worker };
  }

  workerEnv(env: Record<string, string>): Record<string, string> {
    return { ...ADMIN_ENV, SWEEP_INTERVAL_MS: '3600000', LOG_LEVEL: 'silent', ...env };
  }

  /** `worker` as it stands at the end: a test may have replaced it. */
  async stop(api: RunningApp, worker: RunningProcess): Promise<void> {
    // Later suites share the database: no endpoint of ours may hear of their payments.
    await this.db?.query(`DELETE FROM webhook_endpoints`);
    this.receivers.forEach((r) => r.release(200));
    await worker.kill();
    await Promise.all(this.receivers.map((r) => r.close()));
    await api.close();
  }

  async receiver(answer?: WebhookReceiver['answer']): Promise<WebhookReceiver> {
    const started = await startReceiver();
    if (answer) started.answer = answer;
    this.receivers.push(started);
    return started;
  }
}
