import { ApiProperty } from '@nestjs/swagger';
import { ApiMoney } from '#platform';

export class OperationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) paymentId: string;
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiProperty({ enum: ['TRANSFER', 'COMMISSION', 'EXCHANGE'] }) type: string;
  @ApiMoney({ signed: true, description: 'Signed: negative debits the account, positive credits it' }) amount: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiMoney({ signed: true, example: '90.00', description: 'The account\'s balance after this operation' }) balanceAfter: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class OperationPageDto {
  @ApiProperty({ type: [OperationDto] }) data: OperationDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

class CurrencySumDto {
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiMoney({ signed: true, example: '0.00', description: 'Sum of every account in this currency: zero when balanced' }) sum: string;
}

class MismatchedAccountDto {
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiMoney({ signed: true }) balance: string;
  @ApiMoney({ signed: true, example: '12.00' }) operationsSum: string;
  @ApiMoney({ example: '0.00', description: 'What the account says its live holds reserve' }) heldBalance: string;
  @ApiMoney({ example: '0.00', description: 'The sum of its live holds' }) liveHolds: string;
}

export class TrialBalanceDto {
  @ApiProperty() balanced: boolean;
  @ApiProperty({ type: [CurrencySumDto] }) currencies: CurrencySumDto[];
  @ApiProperty({ type: [MismatchedAccountDto] }) mismatchedAccounts: MismatchedAccountDto[];
}
