import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { startApp, type RunningApp } from './support/harness.js';
import { uniqueEmail } from './support/users.js';

interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/** A plain SMTP server like a mail catcher's: no TLS, no authentication; it keeps what it receives. */
async function startSmtpServer(): Promise<{ port: number; received: ReceivedMail[]; close(): Promise<void> }> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The text body of a received message, undoing quoted-printable soft breaks and escapes. */
function bodyOf(raw: string): string {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  if (!/^content-transfer-encoding:\s*quoted-printable/im.test(raw)) return body;
  return body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

async function waitFor<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('confirmation e-mail over SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let api: RunningApp;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    api = await startApp(undefined, {
      env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, PUBLIC_URL: 'https://pay.example.test' },
      realMailer: true,
    });
  });
  afterAll(async () => {
    await api?.close();
    await smtp?.close();
  });

  it('mails the confirmation link through SMTP_URL, and its token confirms the e-mail', async () => {
    const email = uniqueEmail('smtp');
    const registered = await request(api.url)
      .post('/api/v1/auth/register')
      .send({ email, password: 'long enough' })
      .expect(201);

    const mail = await waitFor(() => smtp.received.find((m) => m.to.includes(email)), `a mail to ${email}`);
    expect(mail.from).toMatch(/@/);
    expect(mail.raw).toMatch(/^Subject: Confirm your e-mail/im);
    const token = bodyOf(mail.raw).match(/https:\/\/pay\.example\.test\/confirm\?token=([A-Za-z0-9_-]+)/)?.[1];
    expect(token).toBeDefined();
    expect(api.outbox.sent).toEqual([]);

    const confirmed = await request(api.url).post('/api/v1/auth/confirm').send({ token }).expect(200);
    expect(confirmed.body).toMatchObject({ id: registered.body.id, email, confirmed: true });
  });
});
