import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
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
import { CapturePayment } from '../commands/capture-payment/capture-payment.command.js';
import { CreateDeposit } from '../commands/create-deposit/create-deposit.command.js';
import { CreateTransfer } from '../commands/create-transfer/create-transfer.command.js';
import { CreateWithdrawal } from '../commands/create-withdrawal/create-withdrawal.command.js';
import { RefundPayment } from '../commands/refund-payment/refund-payment.command.js';
import { SweepPayments } from '../commands/sweep-payments/sweep-payments.command.js';
import { UpdatePayment } from '../commands/update-payment/update-payment.command.js';
import { VoidPayment } from '../commands/void-payment/void-payment.command.js';
import type { Acceptance } from '../intake/payment-intake.js';
import { GetPayment } from '../queries/get-payment/get-payment.query.js';
import { PAYMENT_LIST } from '../queries/list-payments/list-payments.handler.js';
import { ListPayments } from '../queries/list-payments/list-payments.query.js';
import { ExportPayments } from '../queries/export-payments/export-payments.query.js';
import { QuotePayment } from '../queries/quote-payments/quote-payment.query.js';
import { PaymentQuoteDto, QuoteTransferDto } from './dto/payment-group.dto.js';
import { ApiIdempotencyKey, IdempotencyKeys } from './idempotency-keys.decorator.js';
import {
  CaptureDto,
  CreateDepositDto,
  CreateTransferDto,
  CreateWithdrawalDto,
  PaymentDto,
  PaymentPageDto,
  RefundDto,
  SweepDto,
  SweepResultDto,
  UpdatePaymentDto,
} from './dto/payment.dto.js';

/** 202 for a new payment, 200 for a repeat answered with the payment as it stands now. */
function answer(res: FastifyReply, acceptance: Acceptance) {
  res.status(acceptance.created ? 202 : 200);
  return acceptance.payment;
}

function ApiPaymentCreation(summary: string, description: string, problems: Record<number, string[]>) {
  return applyDecorators(
    HttpCode(202),
    ApiOperation({ summary, description }),
    ApiIdempotencyKey(),
    ApiAcceptedResponse({
      type: PaymentDto,
      description: 'Accepted, INITIATED: poll GET /api/v1/payments/{id} or listen on /events',
    }),
    ApiOkResponse({ type: PaymentDto, description: 'A repeat of an earlier request: that payment as it stands now' }),
    ApiProblems({
      401: ['UNAUTHORIZED'],
      409: ['IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE'],
      503: ['SERVICE_OVERLOADED'],
      ...problems,
    }),
  );
}

@ApiTags('payments')
@ApiBearerAuth()
@Controller()
export class PaymentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('payments')
  @ApiPaymentCreation(
    'Transfer',
    "From one of the caller's accounts to any user account, converted at the current rate when the currencies differ. Confirmed users only.",
    {
      400: ['VALIDATION_FAILED', 'INVALID_AMOUNT', 'SAME_ACCOUNT', 'INVALID_IDEMPOTENCY_KEY', 'INVALID_JSON'],
      403: ['EMAIL_NOT_CONFIRMED'],
      404: ['NOT_FOUND'],
      422: ['RATE_NOT_AVAILABLE'],
    },
  )
  async createTransfer(
    @CurrentUser() user: AuthUser,
    @Body() body: CreateTransferDto,
    @IdempotencyKeys() keys: string[],
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    return answer(
      res,
      await this.commands.execute(
        new CreateTransfer(
          user,
          body.fromAccountId,
          body.toAccountId,
          body.amount,
          body.description,
          body.capture,
          keys,
          body.metadata,
        ),
      ),
    );
  }

  @Post('payments/quote')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Quote a transfer',
    description:
      'A dry run of `POST /payments`: the commission, what arrives, at which rate, whether posting it now would ' +
      "complete, and the caller's balances after it. Stores nothing and consumes no Idempotency-Key. A forecast: " +
      'balances may move before the real request.',
  })
  @ApiOkResponse({ type: PaymentQuoteDto })
  @ApiProblems({
    400: ['VALIDATION_FAILED', 'INVALID_AMOUNT', 'SAME_ACCOUNT', 'INVALID_JSON'],
    401: ['UNAUTHORIZED'],
    403: ['EMAIL_NOT_CONFIRMED'],
    404: ['NOT_FOUND'],
    422: ['RATE_NOT_AVAILABLE'],
  })
  quotePayment(@CurrentUser() user: AuthUser, @Body() body: QuoteTransferDto) {
    return this.queries.execute(new QuotePayment(user, body));
  }

  @Post('withdrawals')
  @ApiPaymentCreation('Withdraw', "From one of the caller's accounts to an e-wallet. Confirmed users only.", {
    400: ['VALIDATION_FAILED', 'INVALID_AMOUNT', 'INVALID_IDEMPOTENCY_KEY', 'INVALID_JSON'],
    403: ['EMAIL_NOT_CONFIRMED'],
    404: ['NOT_FOUND'],
  })
  async createWithdrawal(
    @CurrentUser() user: AuthUser,
    @Body() body: CreateWithdrawalDto,
    @IdempotencyKeys() keys: string[],
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    return answer(
      res,
      await this.commands.execute(
        new CreateWithdrawal(user, body.accountId, body.amount, body.destination, keys, body.metadata),
      ),
    );
  }

  @Post('deposits')
  @AdminOnly()
  @ApiPaymentCreation('Deposit', 'A bank transfer into a user account. Administrators only; `externalRef` is unique.', {
    400: ['VALIDATION_FAILED', 'INVALID_AMOUNT', 'INVALID_IDEMPOTENCY_KEY', 'INVALID_JSON'],
    403: ['FORBIDDEN'],
    404: ['NOT_FOUND'],
    409: ['EXTERNAL_REF_REUSED', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE'],
  })
  async createDeposit(
    @CurrentUser() admin: AuthUser,
    @Body() body: CreateDepositDto,
    @IdempotencyKeys() keys: string[],
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    return answer(
      res,
      await this.commands.execute(
        new CreateDeposit(admin, body.accountId, body.amount, body.externalRef, keys, body.metadata),
      ),
    );
  }

  @Post('payments/:id/refunds')
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiBody({ type: RefundDto, required: false })
  @ApiPaymentCreation(
    'Refund',
    'Gives a COMPLETED payment back, in full (no amount) or in part, as a new payment of type REFUND from its payee to its payer. ' +
      'A transfer: its payee or an administrator; a deposit (bank reversal) or a withdrawal (returned by the wallet): an administrator.',
    {
      400: ['VALIDATION_FAILED', 'INVALID_AMOUNT', 'INVALID_IDEMPOTENCY_KEY', 'INVALID_JSON'],
      403: ['FORBIDDEN', 'EMAIL_NOT_CONFIRMED'],
      404: ['NOT_FOUND'],
      409: ['PAYMENT_NOT_REFUNDABLE', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE'],
      422: ['REFUND_EXCEEDS_PAYMENT'],
    },
  )
  async refundPayment(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: RefundDto,
    @IdempotencyKeys() keys: string[],
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    return answer(
      res,
      await this.commands.execute(new RefundPayment(user, id, body.amount, body.reason, keys, body.metadata)),
    );
  }

  @Get('payments')
  @ApiOperation({
    summary: 'List payments',
    description: 'Payments the caller pays or is paid by; an administrator sees all.',
  })
  @ApiListQuery(PAYMENT_LIST.fields, PAYMENT_LIST.defaultSort)
  @ApiCsvExport(
    PaymentPageDto,
    'Payments the caller pays or is paid by; an administrator sees all',
    'Every payment field, `metadata` as one JSON column.',
  )
  @ApiProblems({ 400: ['INVALID_QUERY'], 401: ['UNAUTHORIZED'] })
  async listPayments(
    @CurrentUser() user: AuthUser,
    @ListQueryString() query: string,
    @Headers('accept') accept: string | undefined,
  ) {
    if (wantsCsv(accept, query)) return csvFile(await this.queries.execute(new ExportPayments(user, query)));
    return this.queries.execute(new ListPayments(user, query));
  }

  @Get('payments/:id')
  @ApiOperation({ summary: 'Get a payment', description: 'Payer, payee or administrator; the polling endpoint.' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: PaymentDto, description: 'The payment as it stands now (the polling endpoint)' })
  @ApiProblems({ 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  getPayment(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.queries.execute(new GetPayment(user, id));
  }

  @Patch('payments/:id')
  @ApiOperation({
    summary: "Update a payment's metadata",
    description:
      "Payer, payee or administrator. `metadata` is merged into the payment's: a key set to null is removed.",
  })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: PaymentDto, description: 'The payment with its metadata merged' })
  @ApiProblems({ 400: ['VALIDATION_FAILED', 'INVALID_JSON'], 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  updatePayment(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: UpdatePaymentDto) {
    return this.commands.execute(new UpdatePayment(user, id, body.metadata));
  }

  @Post('payments/:id/capture')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Capture a hold',
    description:
      'Payee (with a confirmed e-mail address) or administrator. ' +
      'Moves the money of an AUTHORIZED (manual-capture) payment now: ' +
      'all of it (no body, or no `amount`), or `amount` of it with the rest released; ' +
      'the commission is recomputed on what is captured. Answers the payment COMPLETED.',
  })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Same key and same body → the capture is answered again as the payment stands now; same key, another body → 409.',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
  })
  @ApiBody({ type: CaptureDto, required: false })
  @ApiOkResponse({ type: PaymentDto, description: 'The payment, COMPLETED (or as it stands now, for a repeat)' })
  @ApiProblems({
    400: ['VALIDATION_FAILED', 'INVALID_AMOUNT', 'INVALID_IDEMPOTENCY_KEY', 'INVALID_JSON'],
    401: ['UNAUTHORIZED'],
    403: ['FORBIDDEN', 'EMAIL_NOT_CONFIRMED'],
    404: ['NOT_FOUND'],
    409: ['PAYMENT_NOT_AUTHORIZED', 'AUTHORIZATION_EXPIRED', 'IDEMPOTENCY_KEY_REUSED'],
    422: ['CAPTURE_EXCEEDS_AUTHORIZED'],
    503: ['SERVICE_OVERLOADED'],
  })
  capturePayment(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: CaptureDto,
    @IdempotencyKeys() keys: string[],
  ) {
    return this.commands.execute(new CapturePayment(user, id, body.amount, keys));
  }

  @Post('payments/:id/void')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Void a hold',
    description:
      "Payee or administrator. Releases an AUTHORIZED payment's hold: nothing moves, the payment ends VOIDED.",
  })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: PaymentDto, description: 'The payment, VOIDED' })
  @ApiProblems({
    401: ['UNAUTHORIZED'],
    403: ['FORBIDDEN'],
    404: ['NOT_FOUND'],
    409: ['PAYMENT_NOT_AUTHORIZED', 'AUTHORIZATION_EXPIRED'],
  })
  voidPayment(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.commands.execute(new VoidPayment(user, id));
  }

  @Post('admin/sweep')
  @AdminOnly()
  @HttpCode(200)
  @ApiTags('admin')
  @ApiOperation({ summary: 'Sweep now', description: 'Finishes payments still INITIATED after `olderThanMs`.' })
  @ApiBody({ type: SweepDto, required: false })
  @ApiOkResponse({ type: SweepResultDto })
  @ApiProblems({ 400: ['VALIDATION_FAILED', 'INVALID_JSON'], 401: ['UNAUTHORIZED'], 403: ['FORBIDDEN'] })
  sweepPayments(@Body() body: SweepDto) {
    return this.commands.execute(new SweepPayments(body.olderThanMs, true));
  }
}
