import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUuid, NotFound } from '#platform';
import { newSigningSecret } from '../../domain/signature.js';
import {
  ENDPOINT_COLUMNS,
  type WebhookEndpointRow,
  type WebhookEndpointWithSecret,
  withSecret,
} from '../../domain/webhook-endpoint.js';
import { RotateWebhookSecret } from './rotate-secret.command.js';

export const ROTATED_SECRET_LIFETIME = '24 hours';

@CommandHandler(RotateWebhookSecret)
export class RotateWebhookSecretHandler implements ICommandHandler<RotateWebhookSecret> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ ownerId, endpointId }: RotateWebhookSecret): Promise<WebhookEndpointWithSecret> {
    if (!isUuid(endpointId)) throw new NotFound('webhook endpoint');
    const [[row]] = await this.db.query<[WebhookEndpointRow[], number]>(
      `UPDATE webhook_endpoints e
          SET previous_secret = e.secret, previous_secret_expires_at = now() + interval '${ROTATED_SECRET_LIFETIME}', secret = $3, updated_at = now()
        WHERE e.id = $1 AND e.owner_id = $2
       RETURNING ${ENDPOINT_COLUMNS}`,
      [endpointId, ownerId, newSigningSecret()],
    );
    if (!row) throw new NotFound('webhook endpoint');
    return withSecret(row);
  }
}
