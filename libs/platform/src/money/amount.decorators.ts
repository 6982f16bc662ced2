import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, ValidateIf } from 'class-validator';

const AMOUNT_SHAPE = /^(0|[1-9][0-9]{0,14})(\.[0-9]{1,4})?$/;

/**
 * A money amount in a request body: a decimal string, never a JSON number. Its exact precision
 * depends on the account's currency, so the handler finishes the check with `Currencies.parse`.
 */
export function IsAmount(
  description = "Decimal string in the currency's minor-unit precision",
  { optional = false, refuseNull = false } = {},
) {
  const context = { code: 'INVALID_AMOUNT' };
  // Optional means absent: with refuseNull, `null` is checked (and refused) like any other value.
  const absence = refuseNull ? ValidateIf((_body: object, value: unknown) => value !== undefined) : IsOptional();
  return applyDecorators(
    ApiProperty({ type: String, description, example: '12.50', pattern: AMOUNT_SHAPE.source, required: !optional }),
    ...(optional ? [absence] : []),
    IsString({ context, message: '$property must be a decimal string such as "12.50"' }),
    Matches(AMOUNT_SHAPE, { context, message: '$property must be a positive decimal string such as "12.50"' }),
  );
}

/** An ISO 4217 code; whether it is configured is the handler's question (→ UNSUPPORTED_CURRENCY). */
export function IsCurrencyCode() {
  const context = { code: 'UNSUPPORTED_CURRENCY' };
  return applyDecorators(
    ApiProperty({ type: String, example: 'USD', pattern: '^[A-Z]{3}$' }),
    IsString({ context }),
    Matches(/^[A-Z]{3}$/, { context, message: '$property must be an ISO 4217 code such as USD' }),
  );
}
