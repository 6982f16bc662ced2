import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AccountsModule } from './accounts.module.js';
import { AccountsController } from './http/accounts.controller.js';

@Module({ imports: [CqrsModule, AccountsModule], controllers: [AccountsController] })
export class AccountsHttpModule {}
