import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import {
  API_KEY_REFUSED,
  ApiListQuery,
  ApiProblems,
  ApiWebhooks,
  type AuthUser,
  CurrentUser,
  ListQueryString,
  LoginOnly,
} from '#platform';
import { DeleteWebhookEndpoint } from '../commands/delete-endpoint/delete-endpoint.command.js';
import { RedeliverEvents } from '../commands/redeliver-events/redeliver-events.command.js';
import { RegisterWebhookEndpoint } from '../commands/register-endpoint/register-endpoint.command.js';
import { RetryWebhookDelivery } from '../commands/retry-delivery/retry-delivery.command.js';
import { RotateWebhookSecret } from '../commands/rotate-secret/rotate-secret.command.js';
import { UpdateWebhookEndpoint } from '../commands/update-endpoint/update-endpoint.command.js';
import { GetWebhookEndpoint } from '../queries/get-endpoint/get-endpoint.query.js';
import { DELIVERY_LIST } from '../queries/list-deliveries/list-deliveries.handler.js';
import { ListWebhookDeliveries } from '../queries/list-deliveries/list-deliveries.query.js';
import { ENDPOINT_LIST } from '../queries/list-endpoints/list-endpoints.handler.js';
import { ListWebhookEndpoints } from '../queries/list-endpoints/list-endpoints.query.js';
import {
  CreateWebhookEndpointDto,
  RedeliverEventsDto,
  RedeliveryDto,
  UpdateWebhookEndpointDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookEndpointDto,
  WebhookEndpointPageDto,
  WebhookEndpointWithSecretDto,
} from './dto/webhook.dto.js';
import { WEBHOOK_EVENTS_DOCUMENTED } from './webhook-events.openapi.js';

const ID = { name: 'id', schema: { type: 'string', format: 'uuid' } } as const;

export const ENDPOINTS_NEED_A_LOGIN =
  "API keys may read webhook endpoints but not create, change, rotate or delete them: use a login's access token";

/**
 * An endpoint receives its owner's payments for as long as it exists, so only a login manages one:
 * an endpoint made, or re-pointed, with a key would outlive the key's revocation.
 */
const ManagesEndpoints = () =>
  applyDecorators(
    LoginOnly(ENDPOINTS_NEED_A_LOGIN),
    ApiProblems({ 403: ['FORBIDDEN'] }, { FORBIDDEN: ENDPOINTS_NEED_A_LOGIN }),
  );

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiWebhooks(WEBHOOK_EVENTS_DOCUMENTED)
@Controller('webhook-endpoints')
export class WebhookEndpointsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ManagesEndpoints()
  @ApiOperation({
    summary: 'Register a webhook endpoint',
    description:
      "It receives the events of payments the caller pays or is paid (an administrator's: of every payment), " +
      'signed with the secret answered here, once. At most WEBHOOK_MAX_ENDPOINTS_PER_USER (default 16) per user.',
  })
  @ApiCreatedResponse({ type: WebhookEndpointWithSecretDto })
  @ApiProblems({
    400: ['VALIDATION_FAILED', 'INVALID_WEBHOOK_URL', 'INVALID_JSON'],
    401: ['UNAUTHORIZED'],
    422: ['TOO_MANY_WEBHOOK_ENDPOINTS'],
  })
  createWebhookEndpoint(@CurrentUser() user: AuthUser, @Body() body: CreateWebhookEndpointDto) {
    return this.commands.execute(
      new RegisterWebhookEndpoint(user.id, body.url, body.events, body.description, body.metadata),
    );
  }

  @Get()
  @ApiOperation({ summary: 'List own webhook endpoints' })
  @ApiListQuery(ENDPOINT_LIST.fields, ENDPOINT_LIST.defaultSort)
  @ApiOkResponse({ type: WebhookEndpointPageDto })
  @ApiProblems({ 400: ['INVALID_QUERY'], 401: ['UNAUTHORIZED'] })
  listWebhookEndpoints(@CurrentUser() user: AuthUser, @ListQueryString() query: string) {
    return this.queries.execute(new ListWebhookEndpoints(user.id, query));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A webhook endpoint' })
  @ApiParam(ID)
  @ApiOkResponse({ type: WebhookEndpointDto })
  @ApiProblems({ 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  getWebhookEndpoint(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.queries.execute(new GetWebhookEndpoint(user.id, id));
  }

  @Patch(':id')
  @ManagesEndpoints()
  @ApiOperation({
    summary: 'Change a webhook endpoint',
    description: 'Only the fields given change; `null` clears `description`, and is refused for the others.',
  })
  @ApiParam(ID)
  @ApiOkResponse({ type: WebhookEndpointDto })
  @ApiProblems({
    400: ['VALIDATION_FAILED', 'INVALID_WEBHOOK_URL', 'INVALID_JSON'],
    401: ['UNAUTHORIZED'],
    404: ['NOT_FOUND'],
  })
  updateWebhookEndpoint(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: UpdateWebhookEndpointDto,
  ) {
    return this.commands.execute(new UpdateWebhookEndpoint(user.id, id, body));
  }

  @Delete(':id')
  @ManagesEndpoints()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a webhook endpoint',
    description: 'With its deliveries: those still pending are not made.',
  })
  @ApiParam(ID)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems({ 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  async deleteWebhookEndpoint(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    await this.commands.execute(new DeleteWebhookEndpoint(user.id, id));
  }

  @Post(':id/rotate-secret')
  @ManagesEndpoints()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the signing secret',
    description: 'A new secret, shown once; the one it replaces signs too (a second signature) for 24 hours.',
  })
  @ApiParam(ID)
  @ApiOkResponse({ type: WebhookEndpointWithSecretDto })
  @ApiProblems({ 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  rotateWebhookSecret(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.commands.execute(new RotateWebhookSecret(user.id, id));
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "List an endpoint's deliveries" })
  @ApiParam(ID)
  @ApiListQuery(DELIVERY_LIST.fields, DELIVERY_LIST.defaultSort)
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiProblems({ 400: ['INVALID_QUERY'], 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  listWebhookDeliveries(@CurrentUser() user: AuthUser, @Param('id') id: string, @ListQueryString() query: string) {
    return this.queries.execute(new ListWebhookDeliveries(user.id, id, query));
  }

  @Post(':id/deliveries/:deliveryId/retry')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Retry or resend a delivery',
    description: 'Due now, whatever its status: a failed delivery is tried again, a delivered one sent again.',
  })
  @ApiParam(ID)
  @ApiParam({ name: 'deliveryId', schema: { type: 'string', format: 'uuid' } })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto, description: 'PENDING, due now' })
  @ApiProblems({ 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  retryWebhookDelivery(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('deliveryId') deliveryId: string,
  ) {
    return this.commands.execute(new RetryWebhookDelivery(user.id, id, deliveryId));
  }

  @Post(':id/redeliver')
  @HttpCode(202)
  @LoginOnly()
  @ApiOperation({
    summary: 'Send events to an endpoint again',
    description:
      'Queues the events since `since` and/or those in `eventIds` (of those the owner may list at GET /events and the endpoint subscribes to, ' +
      'at most 10,000) for this endpoint: a delivery already made is sent again, one in flight again after its attempt. A login only, not an API key.',
  })
  @ApiParam(ID)
  @ApiAcceptedResponse({ type: RedeliveryDto })
  @ApiProblems(
    { 400: ['VALIDATION_FAILED', 'INVALID_JSON'], 401: ['UNAUTHORIZED'], 403: ['FORBIDDEN'], 404: ['NOT_FOUND'] },
    { FORBIDDEN: API_KEY_REFUSED },
  )
  redeliverWebhookEvents(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: RedeliverEventsDto) {
    return this.commands.execute(
      new RedeliverEvents(user.id, id, body.since === undefined ? undefined : new Date(body.since), body.eventIds),
    );
  }
}
