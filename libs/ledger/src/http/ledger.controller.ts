import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AdminOnly, ApiListQuery, ApiProblems, type AuthUser, CurrentUser, ListQueryString } from '#platform';
import { CheckTrialBalance } from '../queries/check-trial-balance/check-trial-balance.query.js';
import { STATEMENT } from '../queries/get-statement/get-statement.handler.js';
import { GetStatement } from '../queries/get-statement/get-statement.query.js';
import { OperationPageDto, TrialBalanceDto } from './dto/ledger.dto.js';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('accounts')
export class StatementController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/operations')
  @ApiOperation({ summary: 'An account\'s statement', description: 'The operations of the account. Owner or administrator.' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiListQuery(STATEMENT.fields, STATEMENT.defaultSort)
  @ApiOkResponse({ type: OperationPageDto, description: 'The account\'s statement' })
  @ApiProblems({ 400: ['INVALID_QUERY'], 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  listAccountOperations(@CurrentUser() user: AuthUser, @Param('id') id: string, @ListQueryString() query: string) {
    return this.queries.execute(new GetStatement(user, id, query));
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('admin/ledger')
export class TrialBalanceController {
  constructor(private readonly queries: QueryBus) {}

  @Get('check')
  @ApiOperation({ summary: 'Trial balance', description: 'Every currency must sum to zero and every balance must equal its operations\' sum.' })
  @ApiOkResponse({ type: TrialBalanceDto })
  @ApiProblems({ 401: ['UNAUTHORIZED'], 403: ['FORBIDDEN'] })
  checkTrialBalance() {
    return this.queries.execute(new CheckTrialBalance());
  }
}
