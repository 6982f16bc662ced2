import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { canonicalMetadata } from '#platform';
import { DataSource } from 'typeorm';
import { AppConfig } from '#platform';
import { WebhookAddresses } from '../../address/webhook-addresses.js';
import { newSigningSecret } from '../../domain/signature.js';
import { EVERY_EVENT } from '../../domain/webhook-events.js';
import {
  ENDPOINT_COLUMNS,
  type WebhookEndpointRow,
  type WebhookEndpointWithSecret,
  withSecret,
} from '../../domain/webhook-endpoint.js';
import { TooManyWebhookEndpoints } from '../../domain/webhooks.errors.js';
import { RegisterWebhookEndpoint } from './register-endpoint.command.js';

/**
 * Counted and inserted under a transaction-scoped advisory lock on the owner, so that concurrent
 * registrations take turns and never exceed the limit together. The count is a statement of its
 * own, after the lock: its snapshot then sees what the lock's previous holder committed.
 */
const LOCK_OWNER = `SELECT pg_advisory_xact_lock(hashtext('webhook_endpoints'), hashtext($1::text))`;
const COUNT_ENDPOINTS = `SELECT count(*)::int AS endpoints FROM webhook_endpoints WHERE owner_id = $1`;

@CommandHandler(RegisterWebhookEndpoint)
export class RegisterWebhookEndpointHandler implements ICommandHandler<RegisterWebhookEndpoint> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly addresses: WebhookAddresses,
    private readonly config: AppConfig,
  ) {}

  async execute({
    ownerId,
    url,
    events,
    description,
    metadata,
  }: RegisterWebhookEndpoint): Promise<WebhookEndpointWithSecret> {
    const checked = await this.addresses.check(url);
    const limit = this.config.webhookMaxEndpointsPerUser;
    const row = await this.db.transaction(async (tx) => {
      await tx.query(LOCK_OWNER, [ownerId]);
      const [{ endpoints }] = await tx.query<Array<{ endpoints: number }>>(COUNT_ENDPOINTS, [ownerId]);
      if (endpoints >= limit) throw new TooManyWebhookEndpoints(limit);
      const [inserted] = await tx.query<WebhookEndpointRow[]>(
        `INSERT INTO webhook_endpoints AS e (owner_id, url, events, description, secret, metadata)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${ENDPOINT_COLUMNS}`,
        [
          ownerId,
          checked,
          [...new Set(events ?? [EVERY_EVENT])],
          description ?? null,
          newSigningSecret(),
          canonicalMetadata(metadata),
        ],
      );
      return inserted;
    });
    return withSecret(row);
  }
}
