import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFound } from '#platform';
import { WebhookAddresses } from '../../address/webhook-addresses.js';
import {
  ENDPOINT_COLUMNS,
  ownEndpoint,
  toEndpointView,
  type WebhookEndpointRow,
  type WebhookEndpointView,
} from '../../domain/webhook-endpoint.js';
import { UpdateWebhookEndpoint } from './update-endpoint.command.js';

@CommandHandler(UpdateWebhookEndpoint)
export class UpdateWebhookEndpointHandler implements ICommandHandler<UpdateWebhookEndpoint> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly addresses: WebhookAddresses,
  ) {}

  async execute({ ownerId, endpointId, changes }: UpdateWebhookEndpoint): Promise<WebhookEndpointView> {
    // Another user's endpoint is not found before its new URL is looked at.
    await ownEndpoint(this.db, ownerId, endpointId);
    const url = changes.url === undefined ? null : await this.addresses.check(changes.url);
    const [[row]] = await this.db.query<[WebhookEndpointRow[], number]>(
      `UPDATE webhook_endpoints e
          SET url = coalesce($3, e.url), events = coalesce($4, e.events), enabled = coalesce($5, e.enabled),
              description = CASE WHEN $7 THEN $6 ELSE e.description END, updated_at = now()
        WHERE e.id = $1 AND e.owner_id = $2
       RETURNING ${ENDPOINT_COLUMNS}`,
      [
        endpointId,
        ownerId,
        url,
        changes.events ? [...new Set(changes.events)] : null,
        changes.enabled ?? null,
        changes.description ?? null,
        changes.description !== undefined,
      ],
    );
    // Deleted since it was found.
    if (!row) throw new NotFound('webhook endpoint');
    return toEndpointView(row);
  }
}
