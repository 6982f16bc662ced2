import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 100,
    description: 'What the key is for, to tell keys apart',
    example: 'shop backend',
  })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @ApiPropertyOptional({
    default: false,
    description: 'A read-only key may only read: every other method answers 403 FORBIDDEN',
  })
  @IsOptional()
  @IsBoolean()
  readOnly?: boolean;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'shop backend' }) name: string;
  @ApiProperty() readOnly: boolean;
  @ApiProperty({
    description: 'The first characters of the key, to recognise it by; not a secret',
    example: 'bgk_3xQ9',
  })
  prefix: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'To the minute' }) lastUsedAt:
    string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    description: 'The key, to send as `Authorization: Bearer <key>`. Shown this once: only its hash is stored.',
    example: 'bgk_3xQ9mZ0b7S1kD4vN8pR2tW6yA5cE0fH3jL7nQ1sU9wX',
  })
  key: string;
}

export class ApiKeyPageDto {
  @ApiProperty({ type: [ApiKeyDto] }) data: ApiKeyDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
