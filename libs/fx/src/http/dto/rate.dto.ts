import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { MAX_RATE_DECIMALS, MAX_RATE_SIGNIFICANT_DIGITS, RATE_PATTERN } from '../../domain/rate.js';

const RATE_DESCRIPTION =
  `Units of the target currency per unit of the source currency: a positive decimal string (never a JSON number) ` +
  `with at most ${MAX_RATE_SIGNIFICANT_DIGITS} significant digits and ${MAX_RATE_DECIMALS} decimals`;

/** The rate's shape is checked by the command (parseRate), the one place that knows every rule. */
export class SetRateDto {
  @ApiProperty({ type: String, example: '0.9234', pattern: RATE_PATTERN, description: RATE_DESCRIPTION })
  @IsString({ context: { code: 'INVALID_RATE' }, message: 'rate must be a decimal string such as "0.9234"' })
  rate: string;
}

export class RateDto {
  @ApiProperty({ example: 'USD', description: 'Source currency (ISO 4217)' }) from: string;
  @ApiProperty({ example: 'EUR', description: 'Target currency (ISO 4217)' }) to: string;
  @ApiProperty({ example: '0.92', pattern: RATE_PATTERN, description: 'Exact decimal string, without trailing zeros' })
  rate: string;
  @ApiProperty({ format: 'date-time', description: 'When this rate was set' }) updatedAt: string;
}

export class RatePageDto {
  @ApiProperty({ type: [RateDto] }) data: RateDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
