import request from 'supertest';
import { deposit, openAccount } from './support/money.js';
import { until } from './support/until.js';
import { registerUser } from './support/users.js';
import { verifySignature } from './support/webhook-receiver.js';
import { QUICK_WEBHOOK_ENV, WebhookStack } from './support/webhook-stack.js';

/** payment_group.completed and .failed: recorded with the group's posting, listed and delivered signed to its sender. */
describe('payment group events', () => {
  const stack = new WebhookStack();
  let running: Awaited<ReturnType<WebhookStack['start']>>;
  beforeAll(async () => (running = await stack.start(QUICK_WEBHOOK_ENV)));
  afterAll(async () => running && (await stack.stop(running.api, running.worker)));
  const http = () => request(running.api.url);

  it('sends the group as GET /payment-groups/:id shows it (less its payments) to its sender alone', async () => {
    const [sender, payee] = await Promise.all([registerUser(running.api), registerUser(running.api)]);
    const [from, to] = await Promise.all([openAccount(running.api, sender), openAccount(running.api, payee)]);
    await deposit(running.api, running.admin, from, '10.00');
    const receiver = await stack.receiver();
    const endpoint = (
      await http()
        .post('/api/v1/webhook-endpoints')
        .set(sender.auth)
        .send({ url: receiver.url, events: ['payment_group.completed', 'payment_group.failed'] })
        .expect(201)
    ).body as { id: string; secret: string };

    const item = (amount: string) => ({ type: 'TRANSFER', fromAccountId: from, toAccountId: to, amount });
    const completed = (
      await http()
        .post('/api/v1/payment-groups')
        .set(sender.auth)
        .send({ items: [item('1.00')] })
    ).body.id as string;
    const failed = (
      await http()
        .post('/api/v1/payment-groups')
        .set(sender.auth)
        .send({ items: [item('1.00'), item('1000.00')] })
        .expect(202)
    ).body.id as string;

    await receiver.until((received) => received.length === 2);
    const byType = Object.fromEntries(receiver.received.map((r) => [r.body.type, r]));
    expect(Object.keys(byType).sort()).toEqual(['payment_group.completed', 'payment_group.failed']);
    for (const [type, id] of [
      ['payment_group.completed', completed],
      ['payment_group.failed', failed],
    ]) {
      const webhook = byType[type];
      expect(verifySignature(String(webhook.headers['billing-signature']), webhook.rawBody, endpoint.secret)).toBe(
        true,
      );
      const { payments: _payments, ...group } = (await http().get(`/api/v1/payment-groups/${id}`).set(sender.auth))
        .body;
      expect(webhook.body.data).toEqual(group);
    }
    expect(byType['payment_group.failed'].body.data.failure).toEqual({ itemIndex: 1, code: 'INSUFFICIENT_FUNDS' });

    const listed = async (user: typeof sender) =>
      (await http().get('/api/v1/events?type=payment_group.completed&limit=100').set(user.auth).expect(200)).body.data;
    await until('the event listed', async () => ((await listed(sender)).length ? true : undefined));
    expect((await listed(sender)).map((e: { data: { id: string } }) => e.data.id)).toEqual([completed]);
    expect(await listed(payee)).toEqual([]);
  });
});
