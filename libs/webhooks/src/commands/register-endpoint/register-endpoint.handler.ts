import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { canonicalMetadata } from '#platform';
import { DataSource } from 'typeorm';
import { WebhookAddresses } from '../../address/webhook-addresses.js';
import { newSigningSecret } from '../../domain/signature.js';
import { EVERY_EVENT } from '../../domain/webhook-events.js';
import { ENDPOINT_COLUMNS, type WebhookEndpointRow, type WebhookEndpointWithSecret, withSecret } from '../../domain/webhook-endpoint.js';
import { RegisterWebhookEndpoint } from './register-endpoint.command.js';

@CommandHandler(RegisterWebhookEndpoint)
export class RegisterWebhookEndpointHandler implements ICommandHandler<RegisterWebhookEndpoint> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly addresses: WebhookAddresses,
  ) {}

  async execute({ ownerId, url, events, description, metadata }: RegisterWebhookEndpoint): Promise<WebhookEndpointWithSecret> {
    const checked = await this.addresses.check(url);
    const [row] = await this.db.query<WebhookEndpointRow[]>(
      `INSERT INTO webhook_endpoints AS e (owner_id, url, events, description, secret, metadata) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${ENDPOINT_COLUMNS}`,
      [ownerId, checked, [...new Set(events ?? [EVERY_EVENT])], description ?? null, newSigningSecret(), canonicalMetadata(metadata)],
    );
    return withSecret(row);
  }
}
