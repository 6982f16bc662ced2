import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUuid, NotFound } from '#platform';
import { DeleteWebhookEndpoint } from './delete-endpoint.command.js';

@CommandHandler(DeleteWebhookEndpoint)
export class DeleteWebhookEndpointHandler implements ICommandHandler<DeleteWebhookEndpoint> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ ownerId, endpointId }: DeleteWebhookEndpoint): Promise<void> {
    if (!isUuid(endpointId)) throw new NotFound('webhook endpoint');
    const [, deleted] = await this.db.query<[unknown, number]>(
      `DELETE FROM webhook_endpoints WHERE id = $1 AND owner_id = $2`,
      [endpointId, ownerId],
    );
    if (!deleted) throw new NotFound('webhook endpoint');
  }
}
