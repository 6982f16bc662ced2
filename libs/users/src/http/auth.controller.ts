import { Body, Controller, Delete, Get, HttpCode, Ip, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ApiListQuery, ApiProblems, type AuthUser, CurrentUser, ListQueryString, Public } from '#platform';
import { ConfirmEmail } from '../commands/confirm-email/confirm-email.command.js';
import { LogIn } from '../commands/log-in/log-in.command.js';
import { RegisterUser } from '../commands/register-user/register-user.command.js';
import { ResendConfirmation } from '../commands/resend-confirmation/resend-confirmation.command.js';
import { RevokeToken } from '../commands/revoke-token/revoke-token.command.js';
import { TOKEN_LIST } from '../queries/list-tokens/list-tokens.handler.js';
import { ListTokens } from '../queries/list-tokens/list-tokens.query.js';
import { ManagesCredentials } from './manages-credentials.decorator.js';
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
  @ApiOperation({
    summary: 'Register',
    description: 'Password at least 8 characters; the e-mail is case-insensitively unique.',
    security: [],
  })
  @ApiCreatedResponse({ type: UserDto, description: 'Registered; a confirmation e-mail is on its way' })
  @ApiProblems({ 400: ['VALIDATION_FAILED', 'INVALID_JSON'], 409: ['EMAIL_TAKEN'], 429: ['TOO_MANY_REQUESTS'] })
  registerUser(@Body() body: RegisterDto, @Ip() ip: string) {
    return this.commands.execute(new RegisterUser(body.email, body.password, body.name, ip));
  }

  @Public()
  @Post('confirm')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm the e-mail address',
    description: 'With the token from the confirmation e-mail.',
    security: [],
  })
  @ApiOkResponse({ type: UserDto, description: 'The user, now `confirmed: true`' })
  @ApiProblems({ 400: ['INVALID_CONFIRMATION_TOKEN', 'VALIDATION_FAILED', 'INVALID_JSON'] })
  confirmEmail(@Body() body: ConfirmDto) {
    return this.commands.execute(new ConfirmEmail(body.token));
  }

  @ApiBearerAuth()
  @Post('confirm/resend')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send the confirmation e-mail again' })
  @ApiAcceptedResponse({ description: 'A new confirmation e-mail is on its way (nothing happens once confirmed)' })
  @ApiProblems({ 401: ['UNAUTHORIZED'], 429: ['TOO_MANY_REQUESTS'] })
  async resendConfirmation(@CurrentUser() user: AuthUser, @Ip() ip: string) {
    await this.commands.execute(new ResendConfirmation(user.id, ip));
  }

  @Public()
  @Post('login')
  @ApiOperation({ summary: 'Log in', description: 'Each login issues a new, independent access token.', security: [] })
  @ApiCreatedResponse({ type: IssuedTokenDto, description: 'A new, independent access token' })
  @ApiProblems({ 400: ['VALIDATION_FAILED', 'INVALID_JSON'], 401: ['INVALID_CREDENTIALS'], 429: ['TOO_MANY_REQUESTS'] })
  logIn(@Body() body: LoginDto, @Ip() ip: string) {
    return this.commands.execute(new LogIn(body.email, body.password, body.tokenName, ip));
  }

  @ApiBearerAuth()
  @ManagesCredentials()
  @Get('tokens')
  @ApiOperation({
    summary: 'List own live tokens',
    description: 'API keys are not tokens: `GET /api/v1/api-keys` lists them.',
  })
  @ApiListQuery(TOKEN_LIST.fields, TOKEN_LIST.defaultSort)
  @ApiOkResponse({ type: TokenPageDto, description: "The caller's live tokens (never their secret)" })
  @ApiProblems({ 400: ['INVALID_QUERY'], 401: ['UNAUTHORIZED'] })
  listAccessTokens(@CurrentUser() user: AuthUser, @ListQueryString() query: string) {
    return this.queries.execute(new ListTokens(user.id, query));
  }

  @ApiBearerAuth()
  @ManagesCredentials()
  @Delete('tokens/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a token' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiNoContentResponse({ description: 'Revoked: the token answers 401 from the next request on' })
  @ApiProblems({ 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  async revokeAccessToken(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    await this.commands.execute(new RevokeToken(user.id, id));
  }

  @ApiBearerAuth()
  @ManagesCredentials()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Log out',
    description:
      'Revokes the token used for this request. An API key is no login: it answers 403 FORBIDDEN, and is revoked by `DELETE /api/v1/api-keys/{id}`.',
  })
  @ApiNoContentResponse({ description: 'The token used for this request is revoked' })
  @ApiProblems({ 401: ['UNAUTHORIZED'] })
  async logOut(@CurrentUser() user: AuthUser) {
    await this.commands.execute(new RevokeToken(user.id, user.credentialId));
  }
}
