import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ApiListQuery, ApiProblems, type AuthUser, CurrentUser, ListQueryString } from '#platform';
import { CreateApiKey } from '../commands/create-api-key/create-api-key.command.js';
import { RevokeApiKey } from '../commands/revoke-api-key/revoke-api-key.command.js';
import { API_KEY_LIST } from '../queries/list-api-keys/list-api-keys.handler.js';
import { ListApiKeys } from '../queries/list-api-keys/list-api-keys.query.js';
import { ManagesCredentials } from './manages-credentials.decorator.js';
import { ApiKeyPageDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-keys.dto.js';

@ApiTags('api-keys')
@ApiBearerAuth()
@ManagesCredentials()
@Controller('api-keys')
export class ApiKeysController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key', description: 'The answer holds the key, shown this once.' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The new key, with its secret' })
  @ApiProblems({ 400: ['VALIDATION_FAILED', 'INVALID_JSON'], 401: ['UNAUTHORIZED'] })
  createApiKey(@CurrentUser() user: AuthUser, @Body() body: CreateApiKeyDto) {
    return this.commands.execute(new CreateApiKey(user.id, body.name, body.readOnly ?? false));
  }

  @Get()
  @ApiOperation({ summary: 'List own live API keys' })
  @ApiListQuery(API_KEY_LIST.fields, API_KEY_LIST.defaultSort)
  @ApiOkResponse({ type: ApiKeyPageDto, description: "The caller's live API keys (never their secret)" })
  @ApiProblems({ 400: ['INVALID_QUERY'], 401: ['UNAUTHORIZED'] })
  listApiKeys(@CurrentUser() user: AuthUser, @ListQueryString() query: string) {
    return this.queries.execute(new ListApiKeys(user.id, query));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiNoContentResponse({ description: 'Revoked: the key answers 401 from the next request on, on every instance' })
  @ApiProblems({ 401: ['UNAUTHORIZED'], 404: ['NOT_FOUND'] })
  async revokeApiKey(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    await this.commands.execute(new RevokeApiKey(user.id, id));
  }
}
