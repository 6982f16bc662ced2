import { Module } from '@nestjs/common';
import { BalanceMonitor } from './monitoring/balance-monitor.js';

/** The worker's watch on the ledger: the balance sums an alert reads. */
@Module({ providers: [BalanceMonitor] })
export class LedgerMonitorModule {}
