import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, type AuthUser, CurrentUser } from '#platform';
import { GetCurrentUser } from '../queries/get-current-user/get-current-user.query.js';
import { UserDto } from './dto/auth.dto.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly queries: QueryBus) {}

  @Get('me')
  @ApiOperation({ summary: 'The caller' })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems({ 401: ['UNAUTHORIZED'] })
  getCurrentUser(@CurrentUser() user: AuthUser) {
    return this.queries.execute(new GetCurrentUser(user.id));
  }
}
