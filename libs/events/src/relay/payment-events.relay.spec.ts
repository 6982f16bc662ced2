import {
  PaymentAuthorized,
  PaymentCompleted,
  PaymentExpired,
  PaymentFailed,
  PaymentInitiated,
  PaymentVoided,
  type PaymentView,
} from '#payments';
import type { ClientEvents } from './client-events.js';
import { PaymentEventsRelay } from './payment-events.relay.js';

describe('PaymentEventsRelay', () => {
  const payment = { id: 'f7b0c7d2-5a0e-4a57-9f0e-2f3d7c2b9a11', status: 'COMPLETED' } as PaymentView;

  it.each([
    ['PaymentInitiated', 'payment.initiated', PaymentInitiated],
    ['PaymentCompleted', 'payment.completed', PaymentCompleted],
    ['PaymentFailed', 'payment.failed', PaymentFailed],
    ['PaymentAuthorized', 'payment.authorized', PaymentAuthorized],
    ['PaymentVoided', 'payment.voided', PaymentVoided],
    ['PaymentExpired', 'payment.expired', PaymentExpired],
  ])("sends %s as %s to the rooms of both parties and of the payment's watchers", (_, name, Event) => {
    const sent: unknown[][] = [];
    const relay = new PaymentEventsRelay({ send: (...args: unknown[]) => sent.push(args) } as unknown as ClientEvents);

    relay.handle(new Event(payment, ['payer-id', 'payee-id']));

    expect(sent).toEqual([[['user:payer-id', 'user:payee-id', `payment:${payment.id}`], name, payment]]);
  });
});
