import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { FAILURE_REASONS } from '#ledger';
import { ApiMoney, IsAmount, IsMetadata, type Metadata, type MetadataPatch } from '#platform';
import { CAPTURE_METHODS, type CaptureMethod, PAYMENT_STATUSES, PAYMENT_TYPES } from '../../domain/payment.js';

export class CreateTransferDto {
  @ApiProperty({ format: 'uuid', description: "One of the caller's accounts" })
  @IsUUID('all')
  fromAccountId: string;

  @ApiProperty({ format: 'uuid', description: "Any user's account" })
  @IsUUID('all')
  toAccountId: string;

  @IsAmount("What leaves the payer's account before commission, in its currency")
  amount: string;

  @ApiPropertyOptional({ maxLength: 500, example: 'Dinner' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({
    enum: CAPTURE_METHODS,
    default: 'automatic',
    description:
      "`manual`: the worker only holds `amount` + commission on the payer's account (AUTHORIZED); the payee captures it later, or voids it, or it expires",
  })
  @IsOptional()
  @IsIn(CAPTURE_METHODS)
  capture?: CaptureMethod;

  @IsMetadata()
  metadata?: Metadata | null;
}

export class CaptureDto {
  @IsAmount(
    "At most the authorized amount, in the payment's currency; the rest of the hold is released. Default: all of it",
    { optional: true },
  )
  amount?: string;
}

export class CreateWithdrawalDto {
  @ApiProperty({ format: 'uuid', description: "One of the caller's accounts" })
  @IsUUID('all')
  accountId: string;

  @IsAmount()
  amount: string;

  @ApiProperty({ minLength: 1, maxLength: 255, description: "The e-wallet's id", example: 'wallet-42' })
  @IsString()
  @Length(1, 255)
  destination: string;

  @IsMetadata()
  metadata?: Metadata | null;
}

export class CreateDepositDto {
  @ApiProperty({ format: 'uuid', description: 'The user account credited' })
  @IsUUID('all')
  accountId: string;

  @IsAmount()
  amount: string;

  @ApiProperty({ minLength: 1, maxLength: 255, description: "The bank's reference; unique", example: 'BANK-2026-0001' })
  @IsString()
  @Length(1, 255)
  externalRef: string;

  @IsMetadata()
  metadata?: Metadata | null;
}

export class RefundDto {
  // Absent means all that is left; null is refused, so that a slip never refunds everything.
  @IsAmount("In the payment's target currency; absent: all that is left to refund", {
    optional: true,
    refuseNull: true,
  })
  amount?: string;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 255,
    example: 'Order cancelled',
    description: "Kept as the refund's description",
  })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  reason?: string;

  @IsMetadata()
  metadata?: Metadata | null;
}

export class UpdatePaymentDto {
  @IsMetadata({ nullRemoves: true })
  metadata?: MetadataPatch;
}

/** Ten years: an age further back than a JavaScript Date reaches would answer 500. */
const MAX_SWEEP_AGE_MS = 10 * 365 * 24 * 3600 * 1000;

export class SweepDto {
  @ApiPropertyOptional({
    type: 'integer',
    description: 'Payments INITIATED for longer than this are finished (default SWEEP_STALE_AFTER_MS)',
    minimum: 0,
    maximum: MAX_SWEEP_AGE_MS,
    example: 60000,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SWEEP_AGE_MS)
  olderThanMs?: number;
}

export class PaymentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PAYMENT_TYPES }) type: string;
  @ApiProperty({ enum: PAYMENT_STATUSES }) status: string;
  @ApiProperty({ format: 'uuid' }) fromAccountId: string;
  @ApiProperty({ format: 'uuid' }) toAccountId: string;
  @ApiMoney({ example: '10.00', description: "What leaves the payer's account before commission" }) amount: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiMoney({ example: '0.05', description: "Charged to the payer on top, in the payer's currency" })
  commission: string;
  @ApiMoney({ example: '9.20', description: "What arrives, in the payee's currency" }) targetAmount: string;
  @ApiProperty({ example: 'EUR' }) targetCurrency: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '0.92',
    description:
      "The rate fixed at creation; null without conversion, and on a refund (it converts back by the parent's own proportion)",
  })
  rate: string | null;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: String, nullable: true }) destination: string | null;
  @ApiProperty({ type: String, nullable: true }) externalRef: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: `Why a FAILED payment failed: ${FAILURE_REASONS.join(', ')}`,
  })
  failureReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ enum: CAPTURE_METHODS }) capture: string;
  @ApiMoney({
    nullable: true,
    example: null,
    description: 'Manual capture: what the hold reserved before commission (`amount` becomes what was captured)',
  })
  authorizedAmount: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Manual capture: when an uncaptured hold expires',
  })
  expiresAt: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the payment became final: COMPLETED, FAILED, VOIDED or EXPIRED',
  })
  processedAt: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'On a refund, the payment it gives back; else null',
  })
  parentPaymentId: string | null;
  @ApiMoney({
    example: '0.00',
    description: 'In the target currency: what its refunds that have not FAILED give back, pending ones included',
  })
  refundedAmount: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { orderId: 'A-17' },
    description: 'Your own tags; `{}` when none',
  })
  metadata: Record<string, string>;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The payment group it was sent in; null when sent alone',
  })
  groupId: string | null;
}

export class PaymentPageDto {
  @ApiProperty({ type: [PaymentDto] }) data: PaymentDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class SweepResultDto {
  @ApiProperty({ type: 'integer', example: 3 }) examined: number;
  @ApiProperty({ type: 'integer', example: 2 }) completed: number;
  @ApiProperty({ type: 'integer', example: 0, description: 'Manual capture: their holds placed' }) authorized: number;
  @ApiProperty({ type: 'integer', example: 1 }) failed: number;
  @ApiProperty({ type: 'integer', example: 0, description: 'Holds past their `expiresAt`, released' }) expired: number;
}
