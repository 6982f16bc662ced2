import { Body, Controller, Delete, Get, HttpCode, Ip, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiListQuery, ApiProblems, type AuthUser, CurrentUser, ListQueryString, Public } from '#platform';
import { ConfirmEmail } from '../commands/confirm-email/confirm-email.command.js';
import { LogIn } from '../commands/log-in/log-in.command.js';
import { RegisterUser } from '../commands/register-user/register-user.command.js';
import { ResendConfirmation } from '../commands/resend-confirmation/resend-confirmation.command.js';
import { RevokeToken } from '../commands/revoke-token/revoke-token.command.js';
import { ListTokens } from '../queries/list-tokens/list-tokens.query.js';
import { ConfirmDto, IssuedTokenDto, LoginDto, RegisterDto, TokenPageDto, UserDto } from './dto/auth.dto.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Public()
  @Post('register')
  @ApiCreatedResponse({ type: UserDto, description: 'Registered; a confirmation e-mail is on its way' })
  @ApiProblems({ 400: 'VALIDATION_FAILED, INVALID_JSON', 409: 'EMAIL_TAKEN', 429: 'TOO_MANY_REQUESTS' })
  register(@Body() body: RegisterDto, @Ip() ip: string) {
    return this.commands.execute(new RegisterUser(body.email, body.password, body.name, ip));
  }

  @Public()
  @Post('confirm')
  @HttpCode(200)
  @ApiOkResponse({ type: UserDto })
  @ApiProblems({ 400: 'INVALID_CONFIRMATION_TOKEN, VALIDATION_FAILED' })
  confirm(@Body() body: ConfirmDto) {
    return this.commands.execute(new ConfirmEmail(body.token));
  }

  @ApiBearerAuth()
  @Post('confirm/resend')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'A new confirmation e-mail is on its way (nothing happens once confirmed)' })
  @ApiProblems({ 401: 'UNAUTHORIZED', 429: 'TOO_MANY_REQUESTS' })
  async resend(@CurrentUser() user: AuthUser, @Ip() ip: string) {
    await this.commands.execute(new ResendConfirmation(user.id, ip));
  }

  @Public()
  @Post('login')
  @ApiCreatedResponse({ type: IssuedTokenDto, description: 'A new, independent access token' })
  @ApiProblems({ 400: 'VALIDATION_FAILED', 401: 'INVALID_CREDENTIALS', 429: 'TOO_MANY_REQUESTS' })
  login(@Body() body: LoginDto, @Ip() ip: string) {
    return this.commands.execute(new LogIn(body.email, body.password, body.tokenName, ip));
  }

  @ApiBearerAuth()
  @Get('tokens')
  @ApiListQuery(['id', 'name', 'createdAt', 'lastUsedAt', 'expiresAt'], '-createdAt')
  @ApiOkResponse({ type: TokenPageDto, description: 'The caller\'s live tokens (never their secret)' })
  @ApiProblems({ 400: 'INVALID_QUERY', 401: 'UNAUTHORIZED' })
  listTokens(@CurrentUser() user: AuthUser, @ListQueryString() query: string) {
    return this.queries.execute(new ListTokens(user.id, query));
  }

  @ApiBearerAuth()
  @Delete('tokens/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked: the token answers 401 from the next request on' })
  @ApiProblems({ 401: 'UNAUTHORIZED', 404: 'NOT_FOUND' })
  async revoke(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    await this.commands.execute(new RevokeToken(user.id, id));
  }

  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The token used for this request is revoked' })
  @ApiProblems({ 401: 'UNAUTHORIZED' })
  async logout(@CurrentUser() user: AuthUser) {
    await this.commands.execute(new RevokeToken(user.id, user.tokenId));
  }
}
