import { ApiProperty } from '@nestjs/swagger';

/**
 * An amount in a response: a decimal string with the currency's full minor-unit precision
 * (`"12.50"`, JPY `"1200"`), never a JSON number.
 */
export function ApiMoney(
  options: {
    description?: string;
    example?: string | null;
    signed?: boolean;
    nullable?: boolean;
    required?: boolean;
  } = {},
) {
  const { signed = false, example = signed ? '-10.00' : '12.50', nullable = false, required = true } = options;
  return ApiProperty({
    type: String,
    nullable,
    required,
    pattern: `^${signed ? '-?' : ''}(0|[1-9][0-9]*)(\\.[0-9]+)?$`,
    example,
    description: options.description ?? "Decimal string in the currency's minor-unit precision",
  });
}
