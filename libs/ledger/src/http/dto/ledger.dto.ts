import { ApiProperty } from '@nestjs/swagger';

export class OperationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) paymentId: string;
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiProperty({ enum: ['TRANSFER', 'COMMISSION', 'EXCHANGE'] }) type: string;
  @ApiProperty({ example: '-10.00', description: 'Signed: negative debits the account, positive credits it' }) amount: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: '90.00' }) balanceAfter: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class OperationPageDto {
  @ApiProperty({ type: [OperationDto] }) data: OperationDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

class CurrencySumDto {
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: '0.00' }) sum: string;
}

class MismatchedAccountDto {
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiProperty() balance: string;
  @ApiProperty() operationsSum: string;
}

export class TrialBalanceDto {
  @ApiProperty() balanced: boolean;
  @ApiProperty({ type: [CurrencySumDto] }) currencies: CurrencySumDto[];
  @ApiProperty({ type: [MismatchedAccountDto] }) mismatchedAccounts: MismatchedAccountDto[];
}
