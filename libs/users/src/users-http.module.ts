import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ApiKeysController } from './http/api-keys.controller.js';
import { AuthController } from './http/auth.controller.js';
import { ConfirmationPageController } from './http/confirmation-page.controller.js';
import { UsersController } from './http/users.controller.js';
import { UsersModule } from './users.module.js';

@Module({
  imports: [CqrsModule, UsersModule],
  controllers: [AuthController, ApiKeysController, UsersController, ConfirmationPageController],
})
export class UsersHttpModule {}
