import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiListQuery, ApiProblems, type AuthUser, CurrentUser, ListQueryString } from '#platform';
import { OpenAccount } from '../commands/open-account/open-account.command.js';
import { GetAccount } from '../queries/get-account/get-account.query.js';
import { ListAccounts } from '../queries/list-accounts/list-accounts.query.js';
import { ACCOUNT_LIST } from '../queries/list-accounts/list-accounts.handler.js';
import { AccountDto, AccountPageDto, OpenAccountDto } from './dto/account.dto.js';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('accounts')
export class AccountsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Open an account', description: 'A user may hold several accounts in one currency.' })
  @ApiCreatedResponse({ type: AccountDto, description: 'A new account with a zero balance' })
  @ApiProblems({ 400: ['VALIDATION_FAILED', 'UNSUPPORTED_CURRENCY', 'INVALID_JSON'], 401: ['UNAUTHORIZED'] })
  openAccount(@CurrentUser() user: AuthUser, @Body() body: OpenAccountDto) {
    return this.commands.execute(new OpenAccount(user.id, body.currency, body.name));
  }

  @Get()
  @ApiOperation({ summary: 'List accounts', description: 'Own accounts; an administrator sees every account, technical ones included.' })
  @ApiListQuery(ACCOUNT_LIST.fields, ACCOUNT_LIST.defaultSort)
  @ApiOkResponse({ type: AccountPageDto, description: 'Own accounts; an administrator sees all' })
  @ApiProblems({ 400: ['INVALID_QUERY'], 401: ['UNAUTHORIZED'] })
  listAccounts(@CurrentUser() user: AuthUser, @ListQueryString() query: string) {
    return this.queries.execute(new ListAccounts(user, query));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an account', description: 'Owner or administrator; another user\'s account answers 404.' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: AccountDto })
  @ApiProblems({ 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  getAccount(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.queries.execute(new GetAccount(user, id));
  }
}
