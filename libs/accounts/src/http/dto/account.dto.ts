import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { ApiMoney, IsCurrencyCode, IsMetadata, type Metadata, type MetadataPatch } from '#platform';
import { FREEZE_MODES, type FreezeMode } from '../../domain/account.js';

export class OpenAccountDto {
  @IsCurrencyCode()
  currency: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'Savings' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;

  @IsMetadata()
  metadata?: Metadata | null;
}

export class UpdateAccountDto {
  @ApiPropertyOptional({ maxLength: 100, example: 'Savings' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;

  @IsMetadata({ nullRemoves: true })
  metadata?: MetadataPatch;
}

export class FreezeAccountDto {
  @ApiProperty({
    enum: FREEZE_MODES,
    description: '`debits`: no money leaves it; `credits`: none arrives; `all`: neither',
  })
  @IsIn(FREEZE_MODES)
  mode: FreezeMode;

  @ApiProperty({ minLength: 1, maxLength: 500, example: 'Chargeback investigation #77' })
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class UnfreezeAccountDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 500, example: 'Investigation closed' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

class FreezeDto {
  @ApiProperty({ enum: FREEZE_MODES }) mode: string;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ format: 'uuid', description: 'The administrator who froze it' }) frozenBy: string;
  @ApiProperty({ format: 'date-time' }) frozenAt: string;
}

export class AccountDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) userId: string | null;
  @ApiProperty({ enum: ['USER', 'TECHNICAL'] }) type: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: "A technical account's code: `external:bank`, `external:wallet`, `fees`, `fx`",
  })
  code: string | null;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: 'USD account' }) name: string;
  @ApiMoney({
    signed: true,
    example: '12.50',
    description: "Decimal string in the currency's precision; only technical accounts go negative",
  })
  balance: string;
  @ApiMoney({ example: '2.50', description: 'Reserved by live holds (payments AUTHORIZED for manual capture)' })
  heldBalance: string;
  @ApiMoney({
    signed: true,
    example: '10.00',
    description: '`balance` − `heldBalance`: what payments may spend; never negative on a user account',
  })
  availableBalance: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { costCenter: 'CC-12' },
    description: 'Your own tags; `{}` when none',
  })
  metadata: Record<string, string>;
  @ApiProperty({ type: FreezeDto, nullable: true, description: 'Set while an administrator has the account frozen' })
  frozen: FreezeDto | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When it was closed, for good; null while open',
  })
  closedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AccountPageDto {
  @ApiProperty({ type: [AccountDto] }) data: AccountDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
