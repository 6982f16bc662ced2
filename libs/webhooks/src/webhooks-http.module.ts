import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DeleteWebhookEndpointHandler } from './commands/delete-endpoint/delete-endpoint.handler.js';
import { RedeliverEventsHandler } from './commands/redeliver-events/redeliver-events.handler.js';
import { RegisterWebhookEndpointHandler } from './commands/register-endpoint/register-endpoint.handler.js';
import { RetryWebhookDeliveryHandler } from './commands/retry-delivery/retry-delivery.handler.js';
import { RotateWebhookSecretHandler } from './commands/rotate-secret/rotate-secret.handler.js';
import { UpdateWebhookEndpointHandler } from './commands/update-endpoint/update-endpoint.handler.js';
import { EventsController } from './http/events.controller.js';
import { WebhookEndpointsController } from './http/webhook-endpoints.controller.js';
import { GetWebhookEndpointHandler } from './queries/get-endpoint/get-endpoint.handler.js';
import { ListWebhookDeliveriesHandler } from './queries/list-deliveries/list-deliveries.handler.js';
import { ListEventsHandler } from './queries/list-events/list-events.handler.js';
import { ListWebhookEndpointsHandler } from './queries/list-endpoints/list-endpoints.handler.js';
import { WebhooksModule } from './webhooks.module.js';

/** The api's side: managing endpoints, reading and retrying deliveries, listing and redelivering events. */
@Module({
  imports: [CqrsModule, WebhooksModule],
  controllers: [WebhookEndpointsController, EventsController],
  providers: [
    RegisterWebhookEndpointHandler,
    UpdateWebhookEndpointHandler,
    DeleteWebhookEndpointHandler,
    RotateWebhookSecretHandler,
    RetryWebhookDeliveryHandler,
    GetWebhookEndpointHandler,
    ListWebhookEndpointsHandler,
    ListWebhookDeliveriesHandler,
    ListEventsHandler,
    RedeliverEventsHandler,
  ],
})
export class WebhooksHttpModule {}
