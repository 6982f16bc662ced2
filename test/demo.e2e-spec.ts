import { randomUUID } from 'node:crypto';
import { migrateTestDatabase } from './support/harness.js';
import { freePort, type RunningProcess, runScript, startApiProcess, startWorkerProcess } from './support/processes.js';
import { uniqueEmail } from './support/users.js';

const DEMO_TIMEOUT_MS = 60_000;

describe('npm run demo', () => {
  const admin = { ADMIN_EMAIL: uniqueEmail('admin'), ADMIN_PASSWORD: `admin ${randomUUID()}` };
  let smtpPort: number;
  let running: RunningProcess[] = [];

  beforeAll(async () => {
    await migrateTestDatabase();
    smtpPort = await freePort();
    running = await Promise.all([
      startApiProcess(admin), // as the quick start: no SMTP_URL, the links go to the log
      startApiProcess({ ...admin, SMTP_URL: `smtp://127.0.0.1:${smtpPort}` }),
      startWorkerProcess(),
    ]);
  });
  afterAll(() => Promise.all(running.map((p) => p.stop())));

  const expectTheWholeStory = (run: Awaited<ReturnType<typeof runScript>>) => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Alice registered as');
    expect(run.stdout).toMatch(/Bob withdraws 10\.00 EUR to his e-wallet\n {3}INITIATED withdrawal \S+\n {3}COMPLETED/);
    expect(run.stdout).toContain('The ledger balances');
  };

  it('plays its story against a system started without SMTP_URL, confirming through the database', async () => {
    const [api] = running;
    expectTheWholeStory(await runScript('demo', { BASE_URL: api.url, ...admin }, DEMO_TIMEOUT_MS));
  });

  it('catches the confirmation mail itself when DEMO_SMTP_PORT is where the api mails', async () => {
    const [, mailingApi] = running;
    const run = await runScript(
      'demo',
      {
        BASE_URL: mailingApi.url,
        DEMO_SMTP_PORT: String(smtpPort),
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/unused',
        ...admin,
      },
      DEMO_TIMEOUT_MS,
    );
    expectTheWholeStory(run);
    expect(run.stdout).toContain(`catching mail on smtp://127.0.0.1:${smtpPort}`);
  });
});
