import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiMoney, IsCurrencyCode } from '#platform';

export class OpenAccountDto {
  @IsCurrencyCode()
  currency: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'Savings' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;
}

export class AccountDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) userId: string | null;
  @ApiProperty({ enum: ['USER', 'TECHNICAL'] }) type: string;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'A technical account\'s code: `external:bank`, `external:wallet`, `fees`, `fx`' }) code: string | null;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: 'USD account' }) name: string;
  @ApiMoney({ signed: true, example: '12.50', description: 'Decimal string in the currency\'s precision; only technical accounts go negative' }) balance: string;
  @ApiMoney({ example: '2.50', description: 'Reserved by live holds (payments AUTHORIZED for manual capture)' }) heldBalance: string;
  @ApiMoney({ signed: true, example: '10.00', description: '`balance` − `heldBalance`: what payments may spend; never negative on a user account' }) availableBalance: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AccountPageDto {
  @ApiProperty({ type: [AccountDto] }) data: AccountDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
