import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ownEndpoint, toEndpointView, type WebhookEndpointView } from '../../domain/webhook-endpoint.js';
import { GetWebhookEndpoint } from './get-endpoint.query.js';

@QueryHandler(GetWebhookEndpoint)
export class GetWebhookEndpointHandler implements IQueryHandler<GetWebhookEndpoint> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ ownerId, endpointId }: GetWebhookEndpoint): Promise<WebhookEndpointView> {
    return toEndpointView(await ownEndpoint(this.db, ownerId, endpointId));
  }
}
