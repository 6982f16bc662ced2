import { ApiProperty } from '@nestjs/swagger';
import { ApiMoney } from '#platform';

export class OperationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) paymentId: string;
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiProperty({ enum: ['TRANSFER', 'COMMISSION', 'EXCHANGE'] }) type: string;
  @ApiMoney({ signed: true, description: 'Signed: negative debits the account, positive credits it' }) amount: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiMoney({ signed: true, example: '90.00', description: "The account's balance after this operation" })
  balanceAfter: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class OperationPageDto {
  @ApiProperty({ type: [OperationDto] }) data: OperationDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

class CurrencySumDto {
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiMoney({ signed: true, example: '0.00', description: 'Sum of every account in this currency: zero when balanced' })
  sum: string;
}

class MismatchedAccountDto {
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiMoney({ signed: true }) balance: string;
  @ApiMoney({ signed: true, example: '12.00' }) operationsSum: string;
  @ApiMoney({
    required: false,
    example: '0.00',
    description: 'What the account says its live holds reserve (not as of a past `at`: holds keep no history)',
  })
  heldBalance?: string;
  @ApiMoney({ required: false, example: '0.00', description: 'The sum of its live holds (not as of a past `at`)' })
  liveHolds?: string;
}

export class TrialBalanceDto {
  @ApiProperty() balanced: boolean;
  @ApiProperty({ type: [CurrencySumDto] }) currencies: CurrencySumDto[];
  @ApiProperty({ type: [MismatchedAccountDto] }) mismatchedAccounts: MismatchedAccountDto[];
  @ApiProperty({ required: false, format: 'date-time', description: 'Only when asked as of a past moment' })
  at?: string;
}

export class BalanceAtDto {
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiMoney({
    signed: true,
    example: '90.00',
    description: 'The posted balance after the last operation at or before `at`',
  })
  balance: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: "That operation; null before the account's first",
  })
  operationId: string | null;
}

class BalanceIntervalDto {
  @ApiProperty({
    format: 'date-time',
    description: "The period's local start (midnight; a Monday for weeks, the 1st for months) as an instant",
  })
  start: string;
  @ApiProperty({
    format: 'date-time',
    description: "The next period's start: a day across a DST change lasts 23 or 25 hours",
  })
  end: string;
  @ApiMoney({ signed: true, example: '90.00', description: 'The posted balance just before `start`' })
  openingBalance: string;
  @ApiMoney({ signed: true, example: '95.00', description: 'The posted balance just before `end`' })
  closingBalance: string;
  @ApiMoney({ example: '10.00', description: "What the period's operations credited" }) credits: string;
  @ApiMoney({ example: '5.00', description: "What the period's operations debited" }) debits: string;
  @ApiProperty({ type: 'integer', example: 3 }) operationCount: number;
}

export class BalanceIntervalsDto {
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ enum: ['day', 'week', 'month'] }) interval: string;
  @ApiProperty({ example: 'Europe/Berlin' }) timezone: string;
  @ApiProperty({ type: [BalanceIntervalDto] }) data: BalanceIntervalDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
