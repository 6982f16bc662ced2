import { Controller, Get, Headers, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  AdminOnly,
  ApiCsvExport,
  ApiListQuery,
  ApiProblems,
  type AuthUser,
  csvFile,
  CurrentUser,
  ListQueryString,
  wantsCsv,
} from '#platform';
import { CheckTrialBalance } from '../queries/check-trial-balance/check-trial-balance.query.js';
import { STATEMENT } from '../queries/get-statement/get-statement.handler.js';
import { GetStatement } from '../queries/get-statement/get-statement.query.js';
import { ExportStatement } from '../queries/export-statement/export-statement.query.js';
import { GetBalanceAt } from '../queries/get-balance-at/get-balance-at.query.js';
import { ListBalances } from '../queries/list-balances/list-balances.query.js';
import { BalanceAtDto, BalanceIntervalsDto, OperationPageDto, TrialBalanceDto } from './dto/ledger.dto.js';

const INSTANT = { type: 'string', format: 'date-time' } as const;

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('accounts')
export class StatementController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/operations')
  @ApiOperation({
    summary: "An account's statement",
    description: 'The operations of the account. Owner or administrator.',
  })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiListQuery(STATEMENT.fields, STATEMENT.defaultSort)
  @ApiCsvExport(
    OperationPageDto,
    "The account's statement",
    "Columns: operationId, createdAt, paymentId, paymentType, counterpartyAccountId (the payment's other party), amount (signed), balanceAfter, currency, " +
      "description, externalRef, metadata (the payment's, one JSON column).",
  )
  @ApiProblems({ 400: ['INVALID_QUERY'], 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  async listAccountOperations(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @ListQueryString() query: string,
    @Headers('accept') accept: string | undefined,
  ) {
    if (wantsCsv(accept, query)) return csvFile(await this.queries.execute(new ExportStatement(user, id, query)));
    return this.queries.execute(new GetStatement(user, id, query));
  }

  @Get(':id/balance')
  @ApiOperation({
    summary: "An account's balance at a moment",
    description:
      'The posted balance after its last operation at or before `at`; zero with `operationId: null` before the first. Owner or administrator.',
  })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({
    name: 'at',
    required: true,
    schema: INSTANT,
    description: 'RFC 3339, read to the millisecond; not in the future nor before the account was opened',
  })
  @ApiOkResponse({ type: BalanceAtDto })
  @ApiProblems({ 400: ['INVALID_QUERY'], 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  getAccountBalance(@CurrentUser() user: AuthUser, @Param('id') id: string, @Query('at') at: string | undefined) {
    return this.queries.execute(new GetBalanceAt(user, id, typeof at === 'string' ? at : null));
  }

  @Get(':id/balances')
  @ApiOperation({
    summary: "An account's balances per period",
    description:
      "The calendar periods of `timezone` from the one holding `from` while they start before `to`: each one's opening and closing balance, credits, debits " +
      'and operation count, computed by the database. Keyset pages of at most 366 periods. Owner or administrator.',
  })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({
    name: 'from',
    required: true,
    schema: { type: 'string' },
    description: 'RFC 3339 instant, or a date (its midnight in `timezone`)',
  })
  @ApiQuery({
    name: 'to',
    required: true,
    schema: { type: 'string' },
    description: 'RFC 3339 instant, or a date (its midnight in `timezone`); exclusive',
  })
  @ApiQuery({
    name: 'interval',
    required: false,
    schema: { type: 'string', enum: ['day', 'week', 'month'], default: 'day' },
    description: 'Weeks start on Monday',
  })
  @ApiQuery({
    name: 'timezone',
    required: false,
    schema: { type: 'string', default: 'UTC' },
    description: 'An IANA time zone, e.g. Europe/Berlin',
  })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 366, default: 366 } })
  @ApiQuery({
    name: 'cursor',
    required: false,
    schema: { type: 'string' },
    description: "Opaque cursor: the previous page's `nextCursor`",
  })
  @ApiOkResponse({ type: BalanceIntervalsDto })
  @ApiProblems({ 400: ['INVALID_QUERY'], 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  listAccountBalances(@CurrentUser() user: AuthUser, @Param('id') id: string, @ListQueryString() query: string) {
    return this.queries.execute(new ListBalances(user, id, query));
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('admin/ledger')
export class TrialBalanceController {
  constructor(private readonly queries: QueryBus) {}

  @Get('check')
  @ApiOperation({
    summary: 'Trial balance',
    description:
      "Every currency must sum to zero and every balance must equal its operations' sum; with `at`, as of that moment (its operations only: holds keep no history).",
  })
  @ApiQuery({
    name: 'at',
    required: false,
    schema: INSTANT,
    description: 'RFC 3339, not in the future: prove the balance as it stood then',
  })
  @ApiOkResponse({ type: TrialBalanceDto })
  @ApiProblems({ 400: ['INVALID_QUERY'], 401: ['UNAUTHORIZED'], 403: ['FORBIDDEN'] })
  checkTrialBalance(@Query('at') at: string | undefined) {
    return this.queries.execute(new CheckTrialBalance(typeof at === 'string' ? at : null));
  }
}
