import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import { type ServerToClientEvents, type ClientToServerEvents, useRedisIoAdapter } from '#events';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { WorkerModule } from '../apps/worker/src/worker.module.js';
import { startApp, type RunningApp } from './support/harness.js';
import { lapseHold } from './support/money.js';
import { startApiProcess, startWorkerProcess, type RunningProcess } from './support/processes.js';
import { ADMIN_ENV, loginAdmin, registerUser, type TestUser } from './support/users.js';

type EventsSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type EventName = keyof ServerToClientEvents;
interface Payment {
  id: string;
  status: string;
  failureReason: string | null;
}
interface Received {
  event: string;
  payment: Payment;
}

const ARRIVAL_TIMEOUT_MS = 20_000;
const WORKER_ENV = { SWEEP_INTERVAL_MS: '3600000' };

/** A connected client that records every event it receives. */
class Client {
  readonly received: Received[] = [];
  private readonly waiters: Array<() => void> = [];

  constructor(readonly socket: EventsSocket) {
    socket.onAny((event: string, payment: Payment) => {
      this.received.push({ event, payment });
      this.waiters.splice(0).forEach((wake) => wake());
    });
  }

  /** The payload of `event` for this payment, once it has arrived. */
  async arrival(event: EventName, paymentId: string): Promise<Payment> {
    const deadline = Date.now() + ARRIVAL_TIMEOUT_MS;
    for (;;) {
      const found = this.received.find((r) => r.event === event && r.payment.id === paymentId);
      if (found) return found.payment;
      if (Date.now() > deadline)
        throw new Error(
          `${event} for payment ${paymentId} never arrived; got ${JSON.stringify(this.received.map((r) => r.event))}`,
        );
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 250);
      });
    }
  }
}

const sockets: EventsSocket[] = [];

function openSocket(url: string, auth: object): EventsSocket {
  const socket: EventsSocket = io(`${url}/events`, { auth, reconnection: false, forceNew: true });
  sockets.push(socket);
  return socket;
}

async function connect(url: string, token: string): Promise<Client> {
  const socket = openSocket(url, { token });
  await new Promise<void>((connected, refused) => {
    socket.once('connect', connected);
    socket.once('connect_error', refused);
  });
  return new Client(socket);
}

async function refusal(url: string, auth: object): Promise<string> {
  const socket = openSocket(url, auth);
  return new Promise((refused, connected) => {
    socket.once('connect_error', (error) => refused(error.message));
    socket.once('connect', () => connected(new Error('connected')));
  });
}

describe('payment events on /events', () => {
  let api: RunningApp;
  let admin: TestUser;

  beforeAll(async () => {
    api = await startApp(undefined, { env: ADMIN_ENV, beforeListen: useRedisIoAdapter });
    admin = await loginAdmin(api);
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.disconnect());
    await api.close();
  });

  async function openAccount(user: TestUser): Promise<string> {
    const res = await request(api.url).post('/api/v1/accounts').set(user.auth).send({ currency: 'USD' }).expect(201);
    return res.body.id;
  }

  async function deposit(url: string, accountId: string, amount: string): Promise<string> {
    const res = await request(url)
      .post('/api/v1/deposits')
      .set(admin.auth)
      .send({ accountId, amount, externalRef: `events-${randomUUID()}` })
      .expect(202);
    return res.body.id;
  }

  async function transfer(
    url: string,
    payer: TestUser,
    fromAccountId: string,
    toAccountId: string,
    amount: string,
  ): Promise<string> {
    const res = await request(url)
      .post('/api/v1/payments')
      .set(payer.auth)
      .send({ fromAccountId, toAccountId, amount })
      .expect(202);
    return res.body.id;
  }

  async function paymentNow(user: TestUser, paymentId: string): Promise<Payment> {
    return (await request(api.url).get(`/api/v1/payments/${paymentId}`).set(user.auth).expect(200)).body;
  }

  it('sends each event once to a socket that is in several of its rooms: a transfer between its own accounts, watched', async () => {
    const owner = await registerUser(api);
    const [from, to] = await Promise.all([openAccount(owner), openAccount(owner)]);
    const client = await connect(api.url, owner.token);
    // No worker yet: the payment waits INITIATED while the client also watches it.
    const paymentId = await transfer(api.url, owner, from, to, '1.00');
    await client.arrival('payment.initiated', paymentId);
    expect(await client.socket.emitWithAck('payment.watch', { paymentId })).toMatchObject({
      id: paymentId,
      status: 'INITIATED',
    });

    const worker = await startApp(WorkerModule, { env: WORKER_ENV });
    try {
      expect(await client.arrival('payment.failed', paymentId)).toMatchObject({ failureReason: 'INSUFFICIENT_FUNDS' });
      // Published after the transfer's events, on the same Redis connection: once it is here, any copy would be too.
      const marker = await deposit(api.url, to, '1.00');
      await client.arrival('payment.completed', marker);
    } finally {
      await worker.close();
    }
    expect(client.received.filter((r) => r.payment.id === paymentId).map((r) => r.event)).toEqual([
      'payment.initiated',
      'payment.failed',
    ]);
  });

  describe('with one api and one worker', () => {
    let worker: RunningApp;

    beforeAll(async () => {
      worker = await startApp(WorkerModule, { env: WORKER_ENV });
    });
    afterAll(() => worker.close());

    it('sends payment.initiated and payment.completed to payer and payee, and nothing to a third user', async () => {
      const [payer, payee, stranger] = await Promise.all([registerUser(api), registerUser(api), registerUser(api)]);
      const [payerAccount, payeeAccount, strangerAccount] = await Promise.all([
        openAccount(payer),
        openAccount(payee),
        openAccount(stranger),
      ]);
      const [payerClient, payeeClient, strangerClient] = await Promise.all([
        connect(api.url, payer.token),
        connect(api.url, payee.token),
        connect(api.url, stranger.token),
      ]);

      const funding = await deposit(api.url, payerAccount, '50.00');
      await payerClient.arrival('payment.completed', funding);
      const paymentId = await transfer(api.url, payer, payerAccount, payeeAccount, '20.00');

      expect(await payerClient.arrival('payment.initiated', paymentId)).toMatchObject({
        id: paymentId,
        status: 'INITIATED',
      });
      const completed = await payerClient.arrival('payment.completed', paymentId);
      expect(completed).toEqual(await paymentNow(payer, paymentId));
      expect(completed.status).toBe('COMPLETED');
      expect(await payeeClient.arrival('payment.completed', paymentId)).toEqual(completed);

      // Published after the transfer's events, on the same Redis connection: once the stranger
      // has this one, a transfer event meant for it would have arrived too.
      const ownDeposit = await deposit(api.url, strangerAccount, '1.00');
      await strangerClient.arrival('payment.completed', ownDeposit);
      expect(strangerClient.received.filter((r) => r.payment.id !== ownDeposit)).toEqual([]);
    });

    it('sends payment.authorized, then payment.completed for a capture, payment.voided and payment.expired, to payer and payee', async () => {
      const [payer, payee] = await Promise.all([registerUser(api), registerUser(api)]);
      const [payerAccount, payeeAccount] = await Promise.all([openAccount(payer), openAccount(payee)]);
      const [payerClient, payeeClient] = await Promise.all([
        connect(api.url, payer.token),
        connect(api.url, payee.token),
      ]);
      await payerClient.arrival('payment.completed', await deposit(api.url, payerAccount, '50.00'));
      const hold = async () => {
        const res = await request(api.url)
          .post('/api/v1/payments')
          .set(payer.auth)
          .send({ fromAccountId: payerAccount, toAccountId: payeeAccount, amount: '5.00', capture: 'manual' })
          .expect(202);
        const id = res.body.id as string;
        for (const client of [payerClient, payeeClient])
          expect(await client.arrival('payment.authorized', id)).toMatchObject({ status: 'AUTHORIZED' });
        return id;
      };
      const [captured, voided, expiring] = [await hold(), await hold(), await hold()];

      await request(api.url).post(`/api/v1/payments/${captured}/capture`).set(payee.auth).send({}).expect(200);
      await request(api.url).post(`/api/v1/payments/${voided}/void`).set(payee.auth).expect(200);
      await lapseHold(api.app.get<DataSource>(getDataSourceToken()), expiring);
      await request(api.url).post('/api/v1/admin/sweep').set(admin.auth).send({}).expect(200);

      for (const client of [payerClient, payeeClient]) {
        expect(await client.arrival('payment.completed', captured)).toMatchObject({ status: 'COMPLETED' });
        expect(await client.arrival('payment.voided', voided)).toMatchObject({ status: 'VOIDED' });
        expect(await client.arrival('payment.expired', expiring)).toMatchObject({ status: 'EXPIRED' });
      }
    });

    it('sends payment.failed with the reason when the payer lacks funds', async () => {
      const [payer, payee] = await Promise.all([registerUser(api), registerUser(api)]);
      const [payerAccount, payeeAccount] = await Promise.all([openAccount(payer), openAccount(payee)]);
      const payerClient = await connect(api.url, payer.token);

      const paymentId = await transfer(api.url, payer, payerAccount, payeeAccount, '5.00');

      expect(await payerClient.arrival('payment.failed', paymentId)).toMatchObject({
        status: 'FAILED',
        failureReason: 'INSUFFICIENT_FUNDS',
      });
    });

    it('sends payment_group.completed and .failed, with the group as it stands, to its sender alone', async () => {
      const [payer, payee, stranger] = await Promise.all([registerUser(api), registerUser(api), registerUser(api)]);
      const [payerAccount, payeeAccount, strangerAccount] = await Promise.all([
        openAccount(payer),
        openAccount(payee),
        openAccount(stranger),
      ]);
      const [payerClient, payeeClient, strangerClient] = await Promise.all([
        connect(api.url, payer.token),
        connect(api.url, payee.token),
        connect(api.url, stranger.token),
      ]);
      await payerClient.arrival('payment.completed', await deposit(api.url, payerAccount, '50.00'));

      const group = async (amounts: string[]) => {
        const items = amounts.map((amount) => ({
          type: 'TRANSFER',
          fromAccountId: payerAccount,
          toAccountId: payeeAccount,
          amount,
        }));
        const res = await request(api.url).post('/api/v1/payment-groups').set(payer.auth).send({ items }).expect(202);
        return res.body.id as string;
      };
      /** The group as GET answers it, less its payments: what its event carries. */
      const groupNow = async (groupId: string) => {
        const res = await request(api.url).get(`/api/v1/payment-groups/${groupId}`).set(payer.auth).expect(200);
        const { payments: _payments, ...view } = res.body;
        return view;
      };

      const completedId = await group(['1.00', '2.00']);
      const completed = await payerClient.arrival('payment_group.completed', completedId);
      expect(completed).toMatchObject({
        id: completedId,
        status: 'COMPLETED',
        atomic: true,
        itemCount: 2,
        counts: { completed: 2, failed: 0 },
        failure: null,
      });
      expect(completed).toEqual(await groupNow(completedId));

      // The second item is more than the payer has: atomic, the group fails on it.
      const failedId = await group(['1.00', '1000.00']);
      const failed = await payerClient.arrival('payment_group.failed', failedId);
      expect(failed).toMatchObject({
        id: failedId,
        status: 'FAILED',
        counts: { completed: 0, failed: 2 },
        failure: { itemIndex: 1, code: 'INSUFFICIENT_FUNDS' },
      });
      expect(failed).toEqual(await groupNow(failedId));

      // Published after the groups' events, on the same Redis connection: once each client has its marker, a
      // group event meant for it (or a second copy for the payer) would have arrived too.
      const markers = await Promise.all([
        deposit(api.url, payerAccount, '1.00'),
        deposit(api.url, payeeAccount, '1.00'),
        deposit(api.url, strangerAccount, '1.00'),
      ]);
      await Promise.all(
        [payerClient, payeeClient, strangerClient].map((client, i) => client.arrival('payment.completed', markers[i])),
      );
      const groupEvents = (client: Client) =>
        client.received.filter((r) => r.event.startsWith('payment_group.')).map((r) => [r.event, r.payment.id]);
      expect(groupEvents(payerClient)).toEqual([
        ['payment_group.completed', completedId],
        ['payment_group.failed', failedId],
      ]);
      expect(groupEvents(payeeClient)).toEqual([]);
      // The payee is a party to the completed group's payments, and has their events, not the group's.
      expect(payeeClient.received.filter((r) => r.event === 'payment.completed')).toHaveLength(3);
      expect(strangerClient.received.filter((r) => r.payment.id !== markers[2])).toEqual([]);
    });

    it('answers payment.watch with the payment as it stands now, also after it has finished', async () => {
      const payee = await registerUser(api);
      const payeeAccount = await openAccount(payee);
      const earlyClient = await connect(api.url, payee.token);
      const paymentId = await deposit(api.url, payeeAccount, '3.00');
      await earlyClient.arrival('payment.completed', paymentId);

      const lateClient = await connect(api.url, payee.token);
      const answer = await lateClient.socket.timeout(ARRIVAL_TIMEOUT_MS).emitWithAck('payment.watch', { paymentId });

      expect(answer).toEqual(await paymentNow(payee, paymentId));
      expect(answer).toMatchObject({ status: 'COMPLETED' });
    });

    it("answers payment.watch for another user's, an unknown or a malformed payment id with NOT_FOUND", async () => {
      const [owner, other] = await Promise.all([registerUser(api), registerUser(api)]);
      const paymentId = await deposit(api.url, await openAccount(owner), '1.00');
      const client = await connect(api.url, other.token);

      for (const id of [paymentId, randomUUID(), 'not-a-uuid', 42]) {
        const answer = await client.socket
          .timeout(ARRIVAL_TIMEOUT_MS)
          .emitWithAck('payment.watch', { paymentId: id as string });
        expect(answer).toEqual({ error: 'NOT_FOUND' });
      }
    });

    it('refuses a missing, malformed, forged or revoked token with connect_error "unauthorized"', async () => {
      const user = await registerUser(api);
      const forged = jwt.sign({ sub: user.id, jti: randomUUID() }, 'not-the-secret', { algorithm: 'HS256' });
      const revoked = (
        await request(api.url)
          .post('/api/v1/auth/login')
          .send({ email: user.email, password: user.password })
          .expect(201)
      ).body.accessToken;
      await request(api.url).post('/api/v1/auth/logout').set('Authorization', `Bearer ${revoked}`).expect(204);

      for (const auth of [{}, { token: 'not-a-jwt' }, { token: forged }, { token: revoked }]) {
        expect(await refusal(api.url, auth)).toBe('unauthorized');
      }
    });

    it('disconnects a socket whose token is revoked while it is connected', async () => {
      const user = await registerUser(api);
      const login = await request(api.url)
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(201);
      const client = await connect(api.url, login.body.accessToken);
      const disconnected = new Promise((done) => client.socket.once('disconnect', done));

      await request(api.url).delete(`/api/v1/auth/tokens/${login.body.tokenId}`).set(user.auth).expect(204);

      expect(await disconnected).toBe('io server disconnect');
    });

    it('takes an API key at the handshake, refuses an unknown one, and disconnects and then refuses a revoked one', async () => {
      const user = await registerUser(api);
      const created = await request(api.url)
        .post('/api/v1/api-keys')
        .set(user.auth)
        .send({ name: 'socket', readOnly: true })
        .expect(201);
      const client = await connect(api.url, created.body.key);
      const disconnected = new Promise((done) => client.socket.once('disconnect', done));
      expect(await refusal(api.url, { token: `bgk_${'A'.repeat(43)}` })).toBe('unauthorized');

      await request(api.url).delete(`/api/v1/api-keys/${created.body.id}`).set(user.auth).expect(204);

      expect(await disconnected).toBe('io server disconnect');
      expect(await refusal(api.url, { token: created.body.key })).toBe('unauthorized');
    });
  });

  describe('across api and worker processes', () => {
    const processes: RunningProcess[] = [];

    beforeAll(async () => {
      processes.push(
        ...(await Promise.all([
          startApiProcess(ADMIN_ENV),
          startApiProcess(ADMIN_ENV),
          startWorkerProcess(WORKER_ENV),
          startWorkerProcess(WORKER_ENV),
        ])),
      );
    });
    afterAll(() => Promise.all(processes.map((p) => p.stop())));

    it('delivers to a client on api #1 the events of a payment made through api #2 and finished by a worker', async () => {
      const [api1, api2] = processes;
      const [payer, payee] = await Promise.all([registerUser(api), registerUser(api)]);
      const [payerAccount, payeeAccount] = await Promise.all([openAccount(payer), openAccount(payee)]);
      const payerClient = await connect(api1.url, payer.token);
      const payeeClient = await connect(api2.url, payee.token);

      const funding = await deposit(api2.url, payerAccount, '10.00');
      await payerClient.arrival('payment.completed', funding);
      const paymentId = await transfer(api2.url, payer, payerAccount, payeeAccount, '4.00');

      expect(await payerClient.arrival('payment.initiated', paymentId)).toMatchObject({ status: 'INITIATED' });
      const completed = await payerClient.arrival('payment.completed', paymentId);
      expect(completed).toEqual(await paymentNow(payer, paymentId));
      expect(await payeeClient.arrival('payment.completed', paymentId)).toEqual(completed);
    });
  });
});
