import { ApiProperty, type SchemaObject } from '@nestjs/swagger';
import type { DocumentedWebhooks } from '#platform';
import { PaymentDto } from '#payments';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhook-events.js';

/** The body of every webhook: `{id, type, createdAt, data}`. */
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

  @ApiProperty({
    type: () => PaymentDto,
    description: 'The payment as `GET /api/v1/payments/{id}` showed it when the event happened',
  })
  data: PaymentDto;
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
};

/** An event of one type: the one body, its `type` fixed. */
const eventOfType = (type: string): SchemaObject => ({
  allOf: [{ $ref: '#/components/schemas/WebhookEventDto' }, { properties: { type: { enum: [type] } } }],
});

/** An SDK's handler name for an event: `payment.completed` → `onPaymentCompleted`. */
const handlerName = (type: string) =>
  `on${type
    .split('.')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('')}`;

/**
 * What each registered endpoint is sent: `POST <url>`, for every payment event it subscribes to, of
 * the payments its owner pays or is paid (every payment, for an administrator's).
 */
export const WEBHOOK_EVENTS_DOCUMENTED: DocumentedWebhooks = {
  models: [WebhookEventDto],
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
