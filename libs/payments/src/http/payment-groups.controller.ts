import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiListQuery, ApiProblems, type AuthUser, CurrentUser, LargeBody, ListQueryString } from '#platform';
import { CreatePaymentGroup } from '../commands/create-payment-group/create-payment-group.command.js';
import { GetPaymentGroup } from '../queries/get-payment-group/get-payment-group.query.js';
import { PAYMENT_GROUP_LIST } from '../queries/list-payment-groups/list-payment-groups.handler.js';
import { ListPaymentGroups } from '../queries/list-payment-groups/list-payment-groups.query.js';
import { QuotePaymentGroup } from '../queries/quote-payments/quote-payment-group.query.js';
import {
  CreatePaymentGroupDto,
  PaymentGroupPageDto,
  PaymentGroupQuoteDto,
  PaymentGroupWithPaymentsDto,
} from './dto/payment-group.dto.js';
import { ApiIdempotencyKey, IdempotencyKeys } from './idempotency-keys.decorator.js';

/** Item problems name the item: `items[3].amount`, or `items[3]` for a permission or an account. */
const ITEM_PROBLEMS = {
  400: ['VALIDATION_FAILED', 'INVALID_AMOUNT', 'SAME_ACCOUNT', 'INVALID_JSON'],
  401: ['UNAUTHORIZED'],
  403: ['FORBIDDEN', 'EMAIL_NOT_CONFIRMED'],
  404: ['NOT_FOUND'],
  413: ['PAYLOAD_TOO_LARGE'],
  422: ['RATE_NOT_AVAILABLE'],
};

@ApiTags('payment-groups')
@ApiBearerAuth()
@Controller('payment-groups')
export class PaymentGroupsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @LargeBody()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Create a payment group',
    description:
      'Up to 1,000 transfers, withdrawals and (administrators) deposits in one request, stored in one transaction. ' +
      'Atomic (the default): posted in one ledger transaction, all or nothing. Not atomic: each item alone.',
  })
  @ApiIdempotencyKey('group')
  @ApiAcceptedResponse({ type: PaymentGroupWithPaymentsDto, description: 'Accepted, INITIATED, with its payments' })
  @ApiOkResponse({ type: PaymentGroupWithPaymentsDto, description: 'A repeat: that group as it stands now' })
  @ApiProblems({
    ...ITEM_PROBLEMS,
    400: [...ITEM_PROBLEMS[400], 'INVALID_IDEMPOTENCY_KEY'],
    409: ['EXTERNAL_REF_REUSED', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE'],
    503: ['SERVICE_OVERLOADED'],
  })
  async createPaymentGroup(
    @CurrentUser() user: AuthUser,
    @Body() body: CreatePaymentGroupDto,
    @IdempotencyKeys() keys: string[],
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const { group, created } = await this.commands.execute(new CreatePaymentGroup(user, body, keys));
    res.status(created ? 202 : 200);
    return group;
  }

  @Post('quote')
  @LargeBody()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Quote a payment group',
    description:
      "A dry run of `POST /payment-groups`: each item's terms and outcome, the first item that would fail and why, " +
      "and the caller's balances after. Stores nothing, consumes no Idempotency-Key; " +
      'balances may move before the real request.',
  })
  @ApiOkResponse({ type: PaymentGroupQuoteDto })
  @ApiProblems(ITEM_PROBLEMS)
  quotePaymentGroup(@CurrentUser() user: AuthUser, @Body() body: CreatePaymentGroupDto) {
    return this.queries.execute(new QuotePaymentGroup(user, body));
  }

  @Get()
  @ApiOperation({
    summary: 'List payment groups',
    description: 'The groups the caller sent; an administrator sees all.',
  })
  @ApiListQuery(PAYMENT_GROUP_LIST.fields, PAYMENT_GROUP_LIST.defaultSort)
  @ApiOkResponse({ type: PaymentGroupPageDto })
  @ApiProblems({ 400: ['INVALID_QUERY'], 401: ['UNAUTHORIZED'] })
  listPaymentGroups(@CurrentUser() user: AuthUser, @ListQueryString() query: string) {
    return this.queries.execute(new ListPaymentGroups(user, query));
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Get a payment group',
    description: 'Its sender or an administrator; payments in item order.',
  })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: PaymentGroupWithPaymentsDto })
  @ApiProblems({ 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  getPaymentGroup(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.queries.execute(new GetPaymentGroup(user, id));
  }
}
