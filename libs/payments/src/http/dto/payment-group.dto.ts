import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath, OmitType } from '@nestjs/swagger';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { FAILURE_REASONS } from '#ledger';
import { IsAmount, IsMetadata, type Metadata } from '#platform';
import { MAX_GROUP_ITEMS, PAYMENT_GROUP_STATUSES } from '../../domain/payment-group.js';
import { PAYMENT_TYPES } from '../../domain/payment.js';
import { CreateDepositDto, CreateTransferDto, CreateWithdrawalDto, PaymentDto } from './payment.dto.js';

const ITEM_TYPES = ['TRANSFER', 'WITHDRAWAL', 'DEPOSIT'] as const;
type ItemType = (typeof ITEM_TYPES)[number];

export class ItemConditionsDto {
  @IsAmount(
    "The payer's available balance (balance less holds) before this item must be at least this, in its currency",
    {
      optional: true,
    },
  )
  fromAvailableAtLeast?: string;

  @IsAmount("The payee's balance before this item must be at most this, in its currency", { optional: true })
  toBalanceAtMost?: string;
}

/** What only a group's item has: its type, and its preconditions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's base must take `any[]` (TS2545)
function GroupItem<Base extends new (...args: any[]) => object, T extends ItemType>(base: Base, type: T, name: string) {
  class Item extends base {
    @ApiProperty({ enum: [type] })
    @IsIn([type])
    type: T;

    @ApiPropertyOptional({
      type: ItemConditionsDto,
      description: "Checked on the balances as the group's earlier items leave them; else PRECONDITION_FAILED",
    })
    @IsOptional()
    @ValidateNested()
    @Type(() => ItemConditionsDto)
    conditions?: ItemConditionsDto;
  }
  Object.defineProperty(Item, 'name', { value: name });
  return Item;
}

/** A transfer as `POST /payments` takes it, but captured at once: a group holds nothing. */
export class TransferItemDto extends GroupItem(
  OmitType(CreateTransferDto, ['capture']),
  'TRANSFER',
  'TransferItemDto',
) {}
export class WithdrawalItemDto extends GroupItem(CreateWithdrawalDto, 'WITHDRAWAL', 'WithdrawalItemDto') {}
export class DepositItemDto extends GroupItem(CreateDepositDto, 'DEPOSIT', 'DepositItemDto') {}

/** What an item with an unknown `type` is checked as: its type is refused, naming the ones there are. */
class UnknownItemDto {
  @IsIn(ITEM_TYPES)
  type: string;
}

const ITEM_SCHEMAS = [TransferItemDto, WithdrawalItemDto, DepositItemDto];
const ITEM_CLASSES = new Map<unknown, new () => object>(ITEM_TYPES.map((type, i) => [type, ITEM_SCHEMAS[i]]));

/**
 * An item as the class of its `type` (an unknown type as UnknownItemDto, which refuses it), so that
 * each is validated as what it says it is. Anything but an object is left as it is, for
 * `@ValidateNested` to refuse (class-transformer's own discriminator throws on a null item: a 500).
 */
function asItemOfItsType(item: unknown): unknown {
  if (item === null || typeof item !== 'object') return item;
  return plainToInstance(ITEM_CLASSES.get((item as { type?: unknown }).type) ?? UnknownItemDto, item);
}

@ApiExtraModels(...ITEM_SCHEMAS)
export class CreatePaymentGroupDto {
  @ApiPropertyOptional({
    default: true,
    description: 'true: every item is posted, or none (in one ledger transaction). false: each succeeds or fails alone',
  })
  @IsOptional()
  @IsBoolean()
  atomic?: boolean;

  @ApiPropertyOptional({ maxLength: 500, example: 'Order A-17' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @IsMetadata()
  metadata?: Metadata | null;

  @ApiProperty({
    minItems: 1,
    maxItems: MAX_GROUP_ITEMS,
    description:
      'Posted in this order. A deposit item is for administrators; every item must be allowed as if it were sent alone',
    items: {
      oneOf: ITEM_SCHEMAS.map((schema) => ({ $ref: getSchemaPath(schema) })),
      discriminator: {
        propertyName: 'type',
        mapping: Object.fromEntries(ITEM_TYPES.map((type, i) => [type, getSchemaPath(ITEM_SCHEMAS[i])])),
      },
    },
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_GROUP_ITEMS)
  @ValidateNested({ each: true })
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.map(asItemOfItsType) : value))
  items: Array<TransferItemDto | WithdrawalItemDto | DepositItemDto>;
}

/** A transfer to quote: `POST /payments`'s body, with the preconditions a group item may carry. */
export class QuoteTransferDto extends OmitType(TransferItemDto, ['type']) {}

export class GroupFailureDto {
  @ApiProperty({ type: 'integer', example: 999, description: 'The item that failed the group' }) itemIndex: number;
  @ApiProperty({ enum: FAILURE_REASONS.filter((r) => r !== 'GROUP_FAILED'), example: 'INSUFFICIENT_FUNDS' })
  code: string;
}

export class GroupCountsDto {
  @ApiProperty({ type: 'integer', example: 100 }) completed: number;
  @ApiProperty({ type: 'integer', example: 0 }) failed: number;
}

export class PaymentGroupDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PAYMENT_GROUP_STATUSES }) status: string;
  @ApiProperty() atomic: boolean;
  @ApiProperty({ type: 'integer', example: 3 }) itemCount: number;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { orderId: 'A-17' } })
  metadata: Record<string, string>;
  @ApiProperty({
    type: GroupCountsDto,
    nullable: true,
    description: 'Once final: its payments that completed and failed',
  })
  counts: GroupCountsDto | null;
  @ApiProperty({
    type: GroupFailureDto,
    nullable: true,
    description: 'An atomic group that FAILED: which item, and why',
  })
  failure: GroupFailureDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) processedAt: string | null;
}

export class PaymentGroupWithPaymentsDto extends PaymentGroupDto {
  @ApiProperty({
    type: [PaymentDto],
    description: "In item order; an atomic group's payments fail with GROUP_FAILED, except the culprit's own code",
  })
  payments: PaymentDto[];
}

export class PaymentGroupPageDto {
  @ApiProperty({ type: [PaymentGroupDto] }) data: PaymentGroupDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class ItemQuoteDto {
  @ApiProperty({ enum: PAYMENT_TYPES }) type: string;
  @ApiProperty({ format: 'uuid' }) fromAccountId: string;
  @ApiProperty({ format: 'uuid' }) toAccountId: string;
  @ApiProperty({ example: '10.00' }) amount: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: '0.05' }) commission: string;
  @ApiProperty({ example: '9.20' }) targetAmount: string;
  @ApiProperty({ example: 'EUR' }) targetCurrency: string;
  @ApiProperty({ type: String, nullable: true, example: '0.92' }) rate: string | null;
  @ApiProperty({ enum: ['COMPLETED', 'FAILED'], description: 'What posting it now would do' }) outcome: string;
  @ApiProperty({ enum: FAILURE_REASONS, nullable: true, example: null }) failureReason: string | null;
}

export class QuotedBalanceDto {
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: '89.95' }) balance: string;
  @ApiProperty({ example: '89.95', description: 'The balance less what holds reserve' }) available: string;
}

export class PaymentQuoteDto extends ItemQuoteDto {
  @ApiProperty({
    type: [QuotedBalanceDto],
    description: "The caller's accounts it touches, as they would be after it (a forecast: balances may move first)",
  })
  balances: QuotedBalanceDto[];
}

export class PaymentGroupQuoteDto {
  @ApiProperty() atomic: boolean;
  @ApiProperty({ type: 'integer' }) itemCount: number;
  @ApiProperty({ type: [ItemQuoteDto] }) items: ItemQuoteDto[];
  @ApiProperty({
    type: GroupFailureDto,
    nullable: true,
    description: 'The first item that would fail, and why; null when every item would complete',
  })
  firstFailure: GroupFailureDto | null;
  @ApiProperty({
    type: [QuotedBalanceDto],
    description: "The caller's accounts the items touch, as they would be after",
  })
  balances: QuotedBalanceDto[];
}
