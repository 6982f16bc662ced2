import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AccountsModule } from './accounts.module.js';
import { AccountFreezesController, AccountsController } from './http/accounts.controller.js';

@Module({ imports: [CqrsModule, AccountsModule], controllers: [AccountsController, AccountFreezesController] })
export class AccountsHttpModule {}
