import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, MaxLength, MinLength } from 'class-validator';

export class RegisterDto {
  @ApiProperty({ example: 'alice@example.com', maxLength: 254 })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 8, maxLength: 256, example: 'correct horse battery' })
  @IsString()
  @MinLength(8)
  @MaxLength(256)
  password: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'Alice' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;
}

export class ConfirmDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 200,
    description: 'The token from the confirmation e-mail',
    example: 'q3N1nB2cX8pV0rS7tU4wY6zA9dE5fG1h',
  })
  @IsString()
  @Length(1, 200)
  token: string;
}

export class LoginDto {
  @ApiProperty({ example: 'alice@example.com' })
  @IsString()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse battery' })
  @IsString()
  @MaxLength(256)
  password: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'laptop' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  tokenName?: string;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'email', example: 'alice@example.com' }) email: string;
  @ApiProperty({ type: String, nullable: true, example: 'Alice' }) name: string | null;
  @ApiProperty({ enum: ['USER', 'ADMIN'] }) role: string;
  @ApiProperty() confirmed: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class IssuedTokenDto {
  @ApiProperty({
    description: 'JWT to send as `Authorization: Bearer <accessToken>`',
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl',
  })
  accessToken: string;
  @ApiProperty({ format: 'uuid' }) tokenId: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

export class TokenDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt: string | null;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

export class TokenPageDto {
  @ApiProperty({ type: [TokenDto] }) data: TokenDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
