import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import { io, type Socket } from 'socket.io-client';
import { issueConfirmationToken } from './confirmation-token.js';

/**
 * A short, real scenario against a running system (npm run demo), such as the quick start:
 *
 *   ADMIN_EMAIL=… ADMIN_PASSWORD=… npm start      (the system)
 *   ADMIN_EMAIL=… ADMIN_PASSWORD=… npm run demo   (the demo)
 *
 * BASE_URL (default http://localhost:3000) says where the api is. The users must confirm their
 * e-mail before they may pay; the demo stands in for their mailbox:
 * - with DEMO_SMTP_PORT, it catches the mail on 127.0.0.1:DEMO_SMTP_PORT (start the api with
 *   SMTP_URL=smtp://127.0.0.1:<that port>);
 * - without (the quick start: no SMTP_URL, the links only in the api's log), it stores a token
 *   of its own in the api's database (DATABASE_URL, default the quick start's), as the api does
 *   before mailing one, and confirms with it through POST /auth/confirm. The mailed token cannot
 *   be read back (only its hash is stored), and an endpoint confirming users for an administrator
 *   would put a way around e-mail confirmation into the contract for a demo's sake.
 */
const BASE_URL = (process.env.BASE_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const SMTP_PORT = process.env.DEMO_SMTP_PORT ? Number(process.env.DEMO_SMTP_PORT) : undefined;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/billing';
const { ADMIN_EMAIL, ADMIN_PASSWORD } = process.env;
const SETTLE_TIMEOUT_MS = 30_000;

/** Where a registered user's confirmation token comes from. */
interface Mailbox {
  description: string;
  confirmationToken(email: string): Promise<string>;
  close(): Promise<void>;
}

interface Payment {
  id: string;
  type: string;
  status: 'INITIATED' | 'AUTHORIZED' | 'COMPLETED' | 'FAILED' | 'VOIDED' | 'EXPIRED';
  amount: string;
  currency: string;
  commission: string;
  targetAmount: string;
  targetCurrency: string;
  rate: string | null;
  failureReason: string | null;
}
interface Account {
  id: string;
  currency: string;
  balance: string;
}
interface Person {
  name: string;
  email: string;
  token: string;
  socket?: Socket;
}

const say = (line: string) => console.log(line);
const step = (title: string) => say(`\n== ${title}`);

async function api<T>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const res = await fetch(`${BASE_URL}/api/v1${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A mail catcher: keeps every message's body, decoded from quoted-printable. */
async function catchMail(port: number): Promise<Mailbox> {
  const mails: Array<{ to: string[]; body: string }> = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString();
        const body = raw
          .slice(raw.indexOf('\r\n\r\n') + 4)
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    description: `catching mail on smtp://127.0.0.1:${port}`,
    async confirmationToken(email) {
      for (let waited = 0; waited < 10_000; waited += 100) {
        const token = mails.find((m) => m.to.includes(email))?.body.match(/token=([A-Za-z0-9_-]+)/)?.[1];
        if (token) return token;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(
        `no confirmation mail to ${email} arrived at 127.0.0.1:${port}: is the api running with SMTP_URL=smtp://127.0.0.1:${port}?`,
      );
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Issues confirmation tokens in the api's database, as the api does before it mails one. */
async function issueInDatabase(databaseUrl: string): Promise<Mailbox> {
  const url = new URL(databaseUrl);
  url.password = '';
  const where = url.href;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect().catch((error: Error) => {
    throw new Error(
      `cannot reach DATABASE_URL (${where}): ${error.message}; set it to the api's database, or DEMO_SMTP_PORT to catch its mail`,
    );
  });
  return {
    description: `confirming e-mails through ${where} (DEMO_SMTP_PORT unset)`,
    async confirmationToken(email) {
      const token = await issueConfirmationToken(db, email);
      if (!token)
        throw new Error(`${email} is not in ${where}: is DATABASE_URL the database of the api at ${BASE_URL}?`);
      return token;
    },
    close: () => db.end(),
  };
}

function connect(person: Person): Promise<Socket> {
  const socket = io(`${BASE_URL}/events`, { auth: { token: person.token }, transports: ['websocket'] });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(new Error(`${person.name}'s socket: ${error.message}`)));
  });
}

/** Waits for the payment's final event on the person's socket; `payment.watch` covers one that finished first. */
function settle(person: Person, payment: Payment): Promise<Payment> {
  const socket = person.socket!;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`payment ${payment.id} still not final after ${SETTLE_TIMEOUT_MS} ms`)),
      SETTLE_TIMEOUT_MS,
    );
    const done = (final: Payment) => {
      if (final.id !== payment.id || final.status === 'INITIATED') return;
      clearTimeout(timer);
      socket.off('payment.completed', done).off('payment.failed', done);
      resolve(final);
    };
    socket.on('payment.completed', done).on('payment.failed', done);
    socket.emit('payment.watch', { paymentId: payment.id }, (now: Payment) => done(now));
  });
}

async function pay(title: string, watcher: Person, start: () => Promise<Payment>): Promise<Payment> {
  const started = Date.now();
  const payment = await start();
  say(`${title}\n   ${payment.status} ${payment.type.toLowerCase()} ${payment.id}`);
  const final = await settle(watcher, payment);
  const converted = final.rate ? ` → ${final.targetAmount} ${final.targetCurrency} at ${final.rate}` : '';
  const outcome = final.status === 'COMPLETED' ? '' : ` (${final.failureReason})`;
  say(
    `   ${final.status} in ${Date.now() - started} ms: ${final.amount} ${final.currency}${converted}, commission ${final.commission} ${final.currency}${outcome}`,
  );
  return final;
}

async function register(mailbox: Mailbox, name: string): Promise<Person> {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@demo.example`;
  const password = 'demo password 1';
  await api('POST', '/auth/register', { body: { email, password, name } });
  const token = await mailbox.confirmationToken(email);
  await api('POST', '/auth/confirm', { body: { token } });
  const login = await api<{ accessToken: string }>('POST', '/auth/login', {
    body: { email, password, tokenName: 'demo' },
  });
  say(`${name} registered as ${email}, confirmed the e-mail and logged in`);
  return { name, email, token: login.accessToken };
}

async function main() {
  if (!ADMIN_EMAIL || !ADMIN_PASSWORD)
    throw new Error('set ADMIN_EMAIL and ADMIN_PASSWORD to the administrator the api was started with');
  const mailbox = SMTP_PORT ? await catchMail(SMTP_PORT) : await issueInDatabase(DATABASE_URL);
  const people: Person[] = [];
  try {
    step(`billing-gateway at ${BASE_URL}; ${mailbox.description}`);
    const adminLogin = await api<{ accessToken: string }>('POST', '/auth/login', {
      body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, tokenName: 'demo' },
    });
    const admin: Person = { name: 'Admin', email: ADMIN_EMAIL, token: adminLogin.accessToken };
    say('Admin logged in');

    step('Two users register and confirm their e-mail');
    const alice = await register(mailbox, 'Alice');
    const bob = await register(mailbox, 'Bob');
    people.push(alice, bob);
    const aliceUsd = await api<Account>('POST', '/accounts', {
      token: alice.token,
      body: { currency: 'USD', name: 'Alice USD' },
    });
    const bobEur = await api<Account>('POST', '/accounts', {
      token: bob.token,
      body: { currency: 'EUR', name: 'Bob EUR' },
    });
    say(`Alice opened a USD account ${aliceUsd.id}, Bob a EUR account ${bobEur.id}`);
    for (const person of people) person.socket = await connect(person);
    say('Both listen for their payments on Socket.IO /events');

    step('The administrator sets the exchange rates');
    for (const [from, to, rate] of [
      ['USD', 'EUR', '0.92'],
      ['EUR', 'USD', '1.08'],
    ]) {
      await api('PUT', `/admin/rates/${from}/${to}`, { token: admin.token, body: { rate } });
      say(`${from}→${to} = ${rate}`);
    }

    step('Money moves');
    await pay("Admin deposits 100.00 USD into Alice's account", alice, () =>
      api('POST', '/deposits', {
        token: admin.token,
        headers: { 'Idempotency-Key': randomUUID() },
        body: { accountId: aliceUsd.id, amount: '100.00', externalRef: `demo-${randomUUID()}` },
      }),
    );
    await pay('Alice pays Bob 25.00 USD for concert tickets (Bob holds EUR)', alice, () =>
      api('POST', '/payments', {
        token: alice.token,
        headers: { 'Idempotency-Key': randomUUID() },
        body: { fromAccountId: aliceUsd.id, toAccountId: bobEur.id, amount: '25.00', description: 'Concert tickets' },
      }),
    );
    await pay('Bob pays Alice back 5.00 EUR for the drinks', bob, () =>
      api('POST', '/payments', {
        token: bob.token,
        headers: { 'Idempotency-Key': randomUUID() },
        body: { fromAccountId: bobEur.id, toAccountId: aliceUsd.id, amount: '5.00', description: 'Drinks' },
      }),
    );
    await pay('Bob withdraws 10.00 EUR to his e-wallet', bob, () =>
      api('POST', '/withdrawals', {
        token: bob.token,
        headers: { 'Idempotency-Key': randomUUID() },
        body: { accountId: bobEur.id, amount: '10.00', destination: 'wallet-bob-1' },
      }),
    );

    step('Balances');
    for (const [person, account] of [
      [alice, aliceUsd],
      [bob, bobEur],
    ] as const) {
      const now = await api<Account>('GET', `/accounts/${account.id}`, { token: person.token });
      say(`${person.name}: ${now.balance} ${now.currency}`);
    }

    step('Trial balance (GET /api/v1/admin/ledger/check)');
    const check = await api<{
      balanced: boolean;
      currencies: Array<{ currency: string; sum: string }>;
      mismatchedAccounts: unknown[];
    }>('GET', '/admin/ledger/check', { token: admin.token });
    say(check.currencies.map((c) => `${c.currency} ${c.sum}`).join(', '));
    say(
      check.balanced && check.mismatchedAccounts.length === 0
        ? 'The ledger balances: every currency sums to zero, every balance equals its operations.'
        : `THE LEDGER DOES NOT BALANCE: ${JSON.stringify(check)}`,
    );
    if (!check.balanced) process.exitCode = 1;
  } finally {
    for (const person of people) person.socket?.close();
    await mailbox.close();
  }
}

main().catch((error: Error) => {
  console.error(`demo failed: ${error.message}`);
  process.exit(1);
});
