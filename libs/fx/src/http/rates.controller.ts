import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AdminOnly, ApiListQuery, ApiProblems, type AuthUser, CurrentUser, ListQueryString } from '#platform';
import { SetRate } from '../commands/set-rate/set-rate.command.js';
import { ListRates } from '../queries/list-rates/list-rates.query.js';
import { RateDto, RatePageDto, SetRateDto } from './dto/rate.dto.js';

@ApiTags('rates')
@ApiBearerAuth()
@Controller()
export class RatesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('rates')
  @ApiOperation({ summary: 'List current rates' })
  @ApiListQuery(
    { from: { type: 'enum' }, to: { type: 'enum' }, rate: { type: 'decimal' }, updatedAt: { type: 'timestamp' } },
    'from,to',
  )
  @ApiOkResponse({ type: RatePageDto, description: 'The current rate of every pair that has one' })
  @ApiProblems({ 400: ['INVALID_QUERY'], 401: ['UNAUTHORIZED'] })
  listRates(@ListQueryString() query: string) {
    return this.queries.execute(new ListRates(query));
  }

  @AdminOnly()
  @Put('admin/rates/:from/:to')
  @ApiTags('admin')
  @ApiOperation({ summary: 'Set a rate' })
  @ApiParam({
    name: 'from',
    schema: { type: 'string', pattern: '^[A-Z]{3}$', example: 'USD' },
    description: 'Source currency, one of the configured codes',
  })
  @ApiParam({
    name: 'to',
    schema: { type: 'string', pattern: '^[A-Z]{3}$', example: 'EUR' },
    description: 'Target currency, one of the configured codes, not `from`',
  })
  @ApiOkResponse({ type: RateDto, description: 'The rate in force from now on; earlier rates stay in the history' })
  @ApiProblems({
    400: ['INVALID_RATE', 'UNSUPPORTED_CURRENCY', 'VALIDATION_FAILED', 'INVALID_JSON'],
    401: ['UNAUTHORIZED'],
    403: ['FORBIDDEN'],
  })
  setRate(
    @CurrentUser() admin: AuthUser,
    @Param('from') from: string,
    @Param('to') to: string,
    @Body() body: SetRateDto,
  ) {
    return this.commands.execute(new SetRate(from, to, body.rate, admin.id));
  }
}
