import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { StatementController, TrialBalanceController } from './http/ledger.controller.js';
import { LedgerModule } from './ledger.module.js';

@Module({ imports: [CqrsModule, LedgerModule], controllers: [StatementController, TrialBalanceController] })
export class LedgerHttpModule {}
