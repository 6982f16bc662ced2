import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { METADATA_MAX_KEYS, ValidationFailed } from '#platform';
import { DataSource } from 'typeorm';
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
              description = CASE WHEN $7 THEN $6 ELSE e.description END, updated_at = now(),
              metadata = CASE WHEN $8::jsonb IS NULL THEN e.metadata ELSE nullif(jsonb_strip_nulls(coalesce(e.metadata, '{}') || $8::jsonb), '{}') END
        WHERE e.id = $1 AND e.owner_id = $2
          AND ($8::jsonb IS NULL OR (SELECT count(*) FROM jsonb_object_keys(jsonb_strip_nulls(coalesce(e.metadata, '{}') || $8::jsonb))) <= $9)
       RETURNING ${ENDPOINT_COLUMNS}`,
      [
        endpointId,
        ownerId,
        url,
        changes.events ? [...new Set(changes.events)] : null,
        changes.enabled ?? null,
        changes.description ?? null,
        changes.description !== undefined,
        changes.metadata ?? null,
        METADATA_MAX_KEYS,
      ],
    );
    if (!row) {
      // Deleted since it was found (404), or a metadata merge that would pass the limit: the merge is one
      // statement, so concurrent ones keep each other's keys.
      await ownEndpoint(this.db, ownerId, endpointId);
      throw new ValidationFailed('VALIDATION_FAILED', `metadata would hold more than ${METADATA_MAX_KEYS} keys`, [
        { field: 'metadata', message: `at most ${METADATA_MAX_KEYS} keys` },
      ]);
    }
    return toEndpointView(row);
  }
}
