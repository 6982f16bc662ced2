import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AdminOnly, ApiListQuery, ApiProblems, type AuthUser, CurrentUser, ListQueryString } from '#platform';
import { CloseAccount } from '../commands/close-account/close-account.command.js';
import { FreezeAccount } from '../commands/freeze-account/freeze-account.command.js';
import { OpenAccount } from '../commands/open-account/open-account.command.js';
import { UnfreezeAccount } from '../commands/unfreeze-account/unfreeze-account.command.js';
import { UpdateAccount } from '../commands/update-account/update-account.command.js';
import { GetAccount } from '../queries/get-account/get-account.query.js';
import { ListAccounts } from '../queries/list-accounts/list-accounts.query.js';
import { ACCOUNT_LIST } from '../queries/list-accounts/list-accounts.handler.js';
import {
  AccountDto,
  AccountPageDto,
  FreezeAccountDto,
  OpenAccountDto,
  UnfreezeAccountDto,
  UpdateAccountDto,
} from './dto/account.dto.js';

const ID = { name: 'id', schema: { type: 'string', format: 'uuid' } } as const;

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
    return this.commands.execute(new OpenAccount(user.id, body.currency, body.name, body.metadata));
  }

  @Get()
  @ApiOperation({
    summary: 'List accounts',
    description: 'Own accounts; an administrator sees every account, technical ones included.',
  })
  @ApiListQuery(ACCOUNT_LIST.fields, ACCOUNT_LIST.defaultSort)
  @ApiOkResponse({ type: AccountPageDto, description: 'Own accounts; an administrator sees all' })
  @ApiProblems({ 400: ['INVALID_QUERY'], 401: ['UNAUTHORIZED'] })
  listAccounts(@CurrentUser() user: AuthUser, @ListQueryString() query: string) {
    return this.queries.execute(new ListAccounts(user, query));
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Get an account',
    description: "Owner or administrator; another user's account answers 404.",
  })
  @ApiParam(ID)
  @ApiOkResponse({ type: AccountDto })
  @ApiProblems({ 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  getAccount(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.queries.execute(new GetAccount(user, id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Update an account',
    description: 'Owner or administrator: its name, and `metadata` merged into its own (a key set to null is removed).',
  })
  @ApiParam(ID)
  @ApiOkResponse({ type: AccountDto })
  @ApiProblems({ 400: ['VALIDATION_FAILED', 'INVALID_JSON'], 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  updateAccount(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: UpdateAccountDto) {
    return this.commands.execute(new UpdateAccount(user, id, body.name, body.metadata));
  }

  @Post(':id/close')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Close an account',
    description:
      'Owner or administrator, at a zero balance with no live hold. A closed account takes no payment (ACCOUNT_CLOSED), stays readable and never reopens.',
  })
  @ApiParam(ID)
  @ApiOkResponse({ type: AccountDto, description: 'The account, closed' })
  @ApiProblems({
    401: ['UNAUTHORIZED'],
    404: ['NOT_FOUND'],
    409: ['ACCOUNT_NOT_EMPTY', 'ACCOUNT_CLOSED', 'TECHNICAL_ACCOUNT'],
  })
  closeAccount(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.commands.execute(new CloseAccount(user, id));
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('admin/accounts')
export class AccountFreezesController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/freeze')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Freeze an account',
    description:
      'A payment that would debit (mode `debits`), credit (`credits`) or touch (`all`) it ends FAILED with ACCOUNT_FROZEN; captures and voids of holds placed before still settle. ' +
      'Audited with who and when; freezing a frozen account changes its mode and reason.',
  })
  @ApiParam(ID)
  @ApiOkResponse({ type: AccountDto, description: 'The account, frozen' })
  @ApiProblems({
    400: ['VALIDATION_FAILED', 'INVALID_JSON'],
    401: ['UNAUTHORIZED'],
    403: ['FORBIDDEN'],
    404: ['NOT_FOUND'],
    409: ['ACCOUNT_CLOSED', 'TECHNICAL_ACCOUNT'],
  })
  freezeAccount(@CurrentUser() admin: AuthUser, @Param('id') id: string, @Body() body: FreezeAccountDto) {
    return this.commands.execute(new FreezeAccount(admin, id, body.mode, body.reason));
  }

  @Post(':id/unfreeze')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Unfreeze an account',
    description: 'Lifts the freeze; audited with who, when and the optional reason.',
  })
  @ApiParam(ID)
  @ApiOkResponse({ type: AccountDto, description: 'The account, no longer frozen' })
  @ApiProblems({
    400: ['VALIDATION_FAILED', 'INVALID_JSON'],
    401: ['UNAUTHORIZED'],
    403: ['FORBIDDEN'],
    404: ['NOT_FOUND'],
    409: ['ACCOUNT_NOT_FROZEN', 'ACCOUNT_CLOSED', 'TECHNICAL_ACCOUNT'],
  })
  unfreezeAccount(@CurrentUser() admin: AuthUser, @Param('id') id: string, @Body() body: UnfreezeAccountDto) {
    return this.commands.execute(new UnfreezeAccount(admin, id, body.reason));
  }
}
