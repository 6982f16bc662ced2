import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';

class FieldProblemDto {
  @ApiProperty({ example: 'amount' }) field: string;
  @ApiProperty({ example: 'amount must be a decimal string such as "12.50"' }) message: string;
}

export class ProblemDetailsDto {
  @ApiProperty({ example: 'https://billing-gateway.dev/problems/not-found' }) type: string;
  @ApiProperty({ example: 'Not Found' }) title: string;
  @ApiProperty({ example: 404 }) status: number;
  @ApiProperty({ example: 'account not found' }) detail: string;
  @ApiProperty({ example: 'NOT_FOUND', description: 'A stable error code from the API contract' }) code: string;
  @ApiProperty({ type: [FieldProblemDto], required: false }) errors?: FieldProblemDto[];
}

/** Documents the problem-details answers of an endpoint: `ApiProblems({ 404: 'NOT_FOUND' })`. */
export function ApiProblems(answers: Record<number, string>) {
  return applyDecorators(
    ...Object.entries(answers).map(([status, codes]) =>
      ApiResponse({
        status: Number(status),
        description: `Problem details; code ${codes}`,
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetailsDto' } } },
      }),
    ),
  );
}
