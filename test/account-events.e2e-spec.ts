import request from 'supertest';
import { deposit, openAccount } from './support/money.js';
import { registerUser, type TestUser } from './support/users.js';
import { type ReceivedWebhook, verifySignature } from './support/webhook-receiver.js';
import { QUICK_WEBHOOK_ENV, WebhookStack } from './support/webhook-stack.js';

const API = '/api/v1/webhook-endpoints';
const ACCOUNT_EVENTS = ['account.closed', 'account.frozen', 'account.unfrozen'];

interface Event {
  id: string;
  type: string;
  createdAt: string;
  data: { id: string; [field: string]: unknown };
}

/** account.frozen, account.unfrozen, account.closed: recorded with the change, listed, delivered signed. */
describe('account events', () => {
  const stack = new WebhookStack();
  let running: Awaited<ReturnType<WebhookStack['start']>>;
  beforeAll(async () => (running = await stack.start(QUICK_WEBHOOK_ENV)));
  afterAll(async () => running && (await stack.stop(running.api, running.worker)));
  const http = () => request(running.api.url);

  const register = async (user: TestUser, events: string[], url = 'http://127.0.0.1:9/hooks') =>
    (await http().post(API).set(user.auth).send({ url, events }).expect(201)).body as { id: string; secret: string };
  const account = async (user: TestUser, id: string) =>
    (await http().get(`/api/v1/accounts/${id}`).set(user.auth).expect(200)).body;
  const freeze = (id: string) =>
    http()
      .post(`/api/v1/admin/accounts/${id}/freeze`)
      .set(running.admin.auth)
      .send({ mode: 'debits', reason: 'investigation' })
      .expect(200);
  const unfreeze = (id: string) =>
    http()
      .post(`/api/v1/admin/accounts/${id}/unfreeze`)
      .set(running.admin.auth)
      .send({ reason: 'cleared' })
      .expect(200);
  const close = (id: string, user: TestUser) => http().post(`/api/v1/accounts/${id}/close`).set(user.auth);
  const listed = async (user: TestUser, query = ''): Promise<Event[]> =>
    (await http().get(`/api/v1/events?limit=100&${query}`).set(user.auth).expect(200)).body.data;
  const about = (events: Event[], accountId: string) => events.filter((e) => e.data.id === accountId);
  const recorded = async (accountId: string) =>
    (
      await running.db.query<Array<{ type: string }>>(
        `SELECT type FROM webhook_events WHERE subject_id = $1 ORDER BY created_at`,
        [accountId],
      )
    ).map((r) => r.type);

  /** Freezes, unfreezes and closes an empty account of `owner`'s: the account as GET showed it after each change. */
  async function freezeUnfreezeClose(owner: TestUser, accountId: string) {
    await freeze(accountId);
    const frozen = await account(owner, accountId);
    await unfreeze(accountId);
    const unfrozen = await account(owner, accountId);
    await close(accountId, owner).expect(200);
    const closed = await account(owner, accountId);
    return { 'account.frozen': frozen, 'account.unfrozen': unfrozen, 'account.closed': closed };
  }

  it("lists each change with the account as GET /accounts/:id showed it, to its owner and administrators, not another user's", async () => {
    const [owner, stranger] = await Promise.all([registerUser(running.api), registerUser(running.api)]);
    await register(owner, ['*']); // events are recorded while an endpoint is enabled
    const [accountId, funded] = await Promise.all([openAccount(running.api, owner), openAccount(running.api, owner)]);
    // The ledger's balance updates are no account event.
    await deposit(running.api, running.admin, funded, '5.00');

    const shown = await freezeUnfreezeClose(owner, accountId);
    expect(shown['account.frozen'].frozen).toMatchObject({ mode: 'debits', reason: 'investigation' });
    expect(shown['account.unfrozen'].frozen).toBeNull();
    expect(shown['account.closed'].closedAt).toEqual(expect.any(String));

    const mine = await listed(owner);
    expect(about(mine, funded)).toEqual([]);
    const events = about(mine, accountId);
    expect(events.map((e) => e.type).sort()).toEqual(ACCOUNT_EVENTS);
    for (const event of events) expect(event.data).toEqual(shown[event.type as keyof typeof shown]);
    const byType = await listed(owner, 'type=account.unfrozen');
    expect(byType.map((e) => e.id)).toEqual(events.filter((e) => e.type === 'account.unfrozen').map((e) => e.id));

    expect(about(await listed(stranger), accountId)).toEqual([]);
    const forAdmin = about(await listed(running.admin, 'type=account.closed'), accountId);
    expect(forAdmin).toEqual(events.filter((e) => e.type === 'account.closed'));
  });

  it("delivers them signed to the owner's endpoints subscribed by name or by '*', and to none subscribed to payments only", async () => {
    const owner = await registerUser(running.api);
    const [byName, every, payments] = await Promise.all([stack.receiver(), stack.receiver(), stack.receiver()]);
    const named = await register(owner, ['account.closed'], byName.url);
    const all = await register(owner, ['*'], every.url);
    const paymentsOnly = await register(owner, ['payment.completed'], payments.url);
    const accountId = await openAccount(running.api, owner);

    await freezeUnfreezeClose(owner, accountId);
    const accountEvents = (received: ReceivedWebhook[]) => received.filter((r) => r.body.data.id === accountId);
    await every.until((received) => accountEvents(received).length === 3);
    await byName.until((received) => accountEvents(received).length === 1);

    const listedEvents = new Map(about(await listed(owner), accountId).map((e) => [e.id, e]));
    for (const [received, secret] of [
      [accountEvents(every.received), all.secret],
      [accountEvents(byName.received), named.secret],
    ] as const) {
      for (const webhook of received) {
        expect(verifySignature(String(webhook.headers['billing-signature']), webhook.rawBody, secret)).toBe(true);
        expect(webhook.body).toEqual(listedEvents.get(webhook.body.id));
      }
    }
    expect(
      accountEvents(every.received)
        .map((r) => r.body.type)
        .sort(),
    ).toEqual(ACCOUNT_EVENTS);
    expect(accountEvents(byName.received).map((r) => r.body.type)).toEqual(['account.closed']);

    // Fanned out with the others, in the same transaction: nothing is coming to the payments-only endpoint.
    const deliveries = async (endpointId: string) =>
      (await http().get(`${API}/${endpointId}/deliveries`).set(owner.auth).expect(200)).body.data;
    expect(await deliveries(paymentsOnly.id)).toEqual([]);
    expect(payments.received).toEqual([]);
    expect(await deliveries(named.id)).toEqual([
      expect.objectContaining({ type: 'account.closed', paymentId: null, status: 'SUCCEEDED' }),
    ]);
  });

  it('records an event in the transaction of its change: none once the change is rolled back, none for a refused change', async () => {
    const owner = await registerUser(running.api);
    await register(owner, ['*']);
    const accountId = await openAccount(running.api, owner);

    await expect(
      running.db.transaction(async (tx) => {
        await tx.query(
          `UPDATE accounts SET frozen_mode = 'all', frozen_reason = 'r', frozen_at = now(), frozen_by = user_id WHERE id = $1`,
          [accountId],
        );
        const inside = await tx.query<Array<{ type: string }>>(
          `SELECT type FROM webhook_events WHERE subject_id = $1`,
          [accountId],
        );
        expect(inside.map((r) => r.type)).toEqual(['account.frozen']);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await recorded(accountId)).toEqual([]);
    expect((await account(owner, accountId)).frozen).toBeNull();

    // Refused before any change: not frozen, then not empty.
    await http()
      .post(`/api/v1/admin/accounts/${accountId}/unfreeze`)
      .set(running.admin.auth)
      .send({ reason: 'x' })
      .expect(409);
    await deposit(running.api, running.admin, accountId, '1.00');
    expect((await close(accountId, owner).expect(409)).body.code).toBe('ACCOUNT_NOT_EMPTY');
    expect(await recorded(accountId)).toEqual([]);
    expect(about(await listed(owner), accountId)).toEqual([]);
  });

  it('accepts a subscription to the account events by name, and still refuses an unknown event with 400', async () => {
    const owner = await registerUser(running.api);
    const endpoint = await register(owner, ACCOUNT_EVENTS);
    expect((await http().get(`${API}/${endpoint.id}`).set(owner.auth).expect(200)).body.events).toEqual(ACCOUNT_EVENTS);
    for (const events of [['account.opened'], ['account.*'], ['account.closed', 'payment.refunded']]) {
      const res = await http().post(API).set(owner.auth).send({ url: 'http://127.0.0.1:9/hooks', events }).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    await http()
      .patch(`${API}/${endpoint.id}`)
      .set(owner.auth)
      .send({ events: ['account.frozen'] })
      .expect(200);
  });
});
