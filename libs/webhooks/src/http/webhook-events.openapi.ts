import {
  ApiExtraModels,
  ApiProperty,
  type ApiPropertyOptions,
  getSchemaPath,
  type SchemaObject,
} from '@nestjs/swagger';
import type { Type } from '@nestjs/common';
import { AccountDto } from '#accounts';
import type { DocumentedWebhooks } from '#platform';
import { PaymentDto, PaymentGroupDto } from '#payments';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhook-events.js';

/** The schema of each kind of subject, the word before the dot of an event's type. */
const SUBJECTS: Record<string, Type> = { payment: PaymentDto, account: AccountDto, payment_group: PaymentGroupDto };

const subjectOf = (type: string) => SUBJECTS[type.slice(0, type.indexOf('.'))];

/** An event's `data`, in its body and in GET /events. */
export const EVENT_DATA: ApiPropertyOptions = {
  // Given, not reflected: the builds reflect the union differently (as Function, or not at all).
  type: Object,
  oneOf: Object.values(SUBJECTS).map((model) => ({ $ref: getSchemaPath(model) })),
  description:
    "The event's subject as its GET showed it when the event happened: the payment of a `payment.*` event as " +
    '`GET /api/v1/payments/{id}`, the account of an `account.*` event as `GET /api/v1/accounts/{id}`, the group of a ' +
    '`payment_group.*` event as `GET /api/v1/payment-groups/{id}` less its payments',
};

/** The body of every webhook: `{id, type, createdAt, data}`. */
@ApiExtraModels(...Object.values(SUBJECTS))
export class WebhookEventDto {
  @ApiProperty({
    format: 'uuid',
    description:
      "The event's id, the same for every endpoint and every retry (`webhook-id`, `Billing-Event-Id`): " +
      'de-duplicate by it',
  })
  id: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) type: string;
  @ApiProperty({ format: 'date-time', description: 'When the event happened' }) createdAt: string;
  @ApiProperty(EVENT_DATA) data: PaymentDto | AccountDto | PaymentGroupDto;
}

const header = (name: string, description: string, schema: object = { type: 'string' }) =>
  ({ name, in: 'header', required: true, description, schema }) as const;

const SIGNATURE_HEADERS = [
  header('webhook-id', "Standard Webhooks: the event's id", { type: 'string', format: 'uuid' }),
  header('webhook-timestamp', 'Standard Webhooks: when this attempt was signed, in Unix seconds', {
    type: 'string',
    pattern: '^[0-9]+$',
  }),
  header(
    'webhook-signature',
    'Standard Webhooks: `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<raw body>">`, keyed with the ' +
      'bytes of the base64 after `whsec_`; one per live secret, space-separated, the newest first',
  ),
  header('Billing-Event-Id', "The event's id, as `webhook-id`", { type: 'string', format: 'uuid' }),
  header(
    'Billing-Signature',
    '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, ' +
      'keyed with the secret as written (`whsec_` included); ' +
      'one `v1` per live secret, the newest first',
  ),
];

const DESCRIPTIONS: Record<string, string> = {
  'payment.initiated': 'A payment was accepted (INITIATED).',
  'payment.authorized': "A manual-capture payment's hold was placed (AUTHORIZED).",
  'payment.completed': 'A payment was posted, or a hold captured (COMPLETED).',
  'payment.failed': 'A payment failed (FAILED); `data.failureReason` says why.',
  'payment.voided': 'A hold was voided (VOIDED).',
  'payment.expired': 'A hold expired uncaptured (EXPIRED).',
  'account.frozen':
    'An administrator froze an account, or changed its freeze; `data.frozen` says what it stops and why.',
  'account.unfrozen': "An administrator lifted an account's freeze.",
  'account.closed': 'An account was closed, for good (`data.closedAt`).',
  'payment_group.completed':
    "A payment group's payments were posted (COMPLETED); `data.counts` says how many completed and failed.",
  'payment_group.failed':
    'An atomic payment group failed and moved nothing (FAILED); `data.failure` says which item, and why.',
};

/** An event of one type: the one body, its `type` fixed and its `data` the subject's. */
const eventOfType = (type: string): SchemaObject => ({
  allOf: [
    { $ref: getSchemaPath(WebhookEventDto) },
    { properties: { type: { enum: [type] }, data: { $ref: getSchemaPath(subjectOf(type)) } } },
  ],
});

/** An SDK's handler name for an event: `payment.completed` → `onPaymentCompleted`. */
const handlerName = (type: string) =>
  `on${type
    .split('.')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('')}`;

/**
 * What each registered endpoint is sent: `POST <url>`, for every event it subscribes to, of the
 * payments its owner pays or is paid and of its owner's accounts (all of them, for an administrator's).
 */
export const WEBHOOK_EVENTS_DOCUMENTED: DocumentedWebhooks = {
  models: [WebhookEventDto, ...Object.values(SUBJECTS)],
  webhooks: Object.fromEntries(
    WEBHOOK_EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          operationId: handlerName(type),
          summary: type,
          description:
            `${DESCRIPTIONS[type]} Sent to the endpoint's \`url\` with \`Content-Type: application/json\` and ` +
            '`User-Agent: billing-gateway-webhooks/1`; verify a signature on the raw body before parsing it.',
          tags: ['webhooks'],
          security: [],
          parameters: SIGNATURE_HEADERS,
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: eventOfType(type) },
            },
          },
          responses: {
            '2XX': { description: 'Delivered (SUCCEEDED), if answered within WEBHOOK_TIMEOUT_MS' },
            '4XX': { description: 'FAILED at once, but 408 and 429 are retried (429 after its Retry-After)' },
            '5XX': { description: 'Retried with exponential back-off, until WEBHOOK_MAX_ATTEMPTS' },
          },
        },
      },
    ]),
  ),
};
