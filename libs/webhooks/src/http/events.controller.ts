import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiListQuery, ApiProblems, type AuthUser, CurrentUser, ListQueryString } from '#platform';
import { EVENT_LIST } from '../queries/list-events/list-events.handler.js';
import { ListEvents } from '../queries/list-events/list-events.query.js';
import { EventPageDto } from './dto/webhook.dto.js';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('events')
export class EventsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'List events',
    description:
      'The events of payments the caller pays or is paid and of their accounts (an administrator: every event) from the last ' +
      'WEBHOOK_RETENTION_DAYS, each exactly as webhooks deliver it. Events are recorded while at least one webhook endpoint ' +
      'is enabled.',
  })
  @ApiListQuery(EVENT_LIST.fields, EVENT_LIST.defaultSort)
  @ApiOkResponse({ type: EventPageDto })
  @ApiProblems({ 400: ['INVALID_QUERY'], 401: ['UNAUTHORIZED'] })
  listEvents(@CurrentUser() user: AuthUser, @ListQueryString() query: string) {
    return this.queries.execute(new ListEvents(user, query));
  }
}
