import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AdminOnly, ApiListQuery, ApiProblems, AppConfig, type AuthUser, CurrentUser, ListQueryString } from '#platform';
import { CreateDeposit } from '../commands/create-deposit/create-deposit.command.js';
import { CreateTransfer } from '../commands/create-transfer/create-transfer.command.js';
import { CreateWithdrawal } from '../commands/create-withdrawal/create-withdrawal.command.js';
import { SweepPayments } from '../commands/sweep-payments/sweep-payments.command.js';
import type { Acceptance } from '../intake/payment-intake.js';
import { GetPayment } from '../queries/get-payment/get-payment.query.js';
import { PAYMENT_LIST } from '../queries/list-payments/list-payments.handler.js';
import { ListPayments } from '../queries/list-payments/list-payments.query.js';
import { CreateDepositDto, CreateTransferDto, CreateWithdrawalDto, PaymentDto, PaymentPageDto, SweepDto, SweepResultDto } from './dto/payment.dto.js';

/** 202 for a new payment, 200 for a repeat answered with the payment as it stands now. */
function answer(res: Response, acceptance: Acceptance) {
  res.status(acceptance.created ? 202 : 200);
  return acceptance.payment;
}

function ApiPaymentCreation(problems: Record<number, string>) {
  return applyDecorators(
    HttpCode(202),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: '1..255 printable ASCII; a repeat with the same body returns the same payment', schema: { type: 'string', maxLength: 255 } }),
    ApiAcceptedResponse({ type: PaymentDto, description: 'Accepted, INITIATED: poll GET /payments/{id} or listen on /events' }),
    ApiOkResponse({ type: PaymentDto, description: 'A repeat of an earlier request: that payment as it stands now' }),
    ApiProblems({ 401: 'UNAUTHORIZED', 409: 'IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_KEY_IN_USE', ...problems }),
  );
}

@ApiTags('payments')
@ApiBearerAuth()
@Controller()
export class PaymentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly config: AppConfig,
  ) {}

  @Post('payments')
  @ApiPaymentCreation({
    400: 'VALIDATION_FAILED, INVALID_AMOUNT, SAME_ACCOUNT, INVALID_IDEMPOTENCY_KEY',
    403: 'EMAIL_NOT_CONFIRMED',
    404: 'NOT_FOUND',
    422: 'RATE_NOT_AVAILABLE',
  })
  async transfer(@CurrentUser() user: AuthUser, @Body() body: CreateTransferDto, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    return answer(res, await this.commands.execute(new CreateTransfer(user, body.fromAccountId, body.toAccountId, body.amount, body.description, key)));
  }

  @Post('withdrawals')
  @ApiPaymentCreation({ 400: 'VALIDATION_FAILED, INVALID_AMOUNT, INVALID_IDEMPOTENCY_KEY', 403: 'EMAIL_NOT_CONFIRMED', 404: 'NOT_FOUND' })
  async withdraw(@CurrentUser() user: AuthUser, @Body() body: CreateWithdrawalDto, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    return answer(res, await this.commands.execute(new CreateWithdrawal(user, body.accountId, body.amount, body.destination, key)));
  }

  @Post('deposits')
  @AdminOnly()
  @ApiPaymentCreation({ 400: 'VALIDATION_FAILED, INVALID_AMOUNT, INVALID_IDEMPOTENCY_KEY', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'EXTERNAL_REF_REUSED, IDEMPOTENCY_KEY_REUSED' })
  async deposit(@CurrentUser() admin: AuthUser, @Body() body: CreateDepositDto, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    return answer(res, await this.commands.execute(new CreateDeposit(admin, body.accountId, body.amount, body.externalRef, key)));
  }

  @Get('payments')
  @ApiListQuery(Object.keys(PAYMENT_LIST.fields), PAYMENT_LIST.defaultSort)
  @ApiOkResponse({ type: PaymentPageDto, description: 'Payments the caller pays or is paid by; an administrator sees all' })
  @ApiProblems({ 400: 'INVALID_QUERY', 401: 'UNAUTHORIZED' })
  list(@CurrentUser() user: AuthUser, @ListQueryString() query: string) {
    return this.queries.execute(new ListPayments(user, query));
  }

  @Get('payments/:id')
  @ApiOkResponse({ type: PaymentDto, description: 'The payment as it stands now (the polling endpoint)' })
  @ApiProblems({ 401: 'UNAUTHORIZED', 404: 'NOT_FOUND' })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.queries.execute(new GetPayment(user, id));
  }

  @Post('admin/sweep')
  @AdminOnly()
  @HttpCode(200)
  @ApiOkResponse({ type: SweepResultDto })
  @ApiProblems({ 400: 'VALIDATION_FAILED', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN' })
  sweep(@Body() body: SweepDto) {
    return this.commands.execute(new SweepPayments(body.olderThanMs ?? this.config.sweepStaleAfterMs, true));
  }
}
