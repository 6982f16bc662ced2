import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, Gauge, metric } from '#platform';
import { TRIAL_BALANCE_SQL } from '../domain/trial-balance.sql.js';

/**
 * The cheap half of the trial balance, for an alert: the sum of every account's balance in each
 * currency, zero while every posting balances. It reads the accounts, not the operations, so it can
 * run every minute on a large ledger; GET /admin/ledger/check does the whole check on demand.
 */
@Injectable()
export class BalanceMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BalanceMonitor');
  private readonly sums = metric(
    'billing_ledger_balance_sum',
    () =>
      new Gauge({
        name: 'billing_ledger_balance_sum',
        help: 'Sum of every account balance by currency, minor units: 0 when the ledger balances',
        labelNames: ['currency'],
      }),
  );
  private readonly checkedAt = metric(
    'billing_ledger_balance_checked_timestamp_seconds',
    () =>
      new Gauge({
        name: 'billing_ledger_balance_checked_timestamp_seconds',
        help: 'When billing_ledger_balance_sum was last read',
      }),
  );
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.check();
    this.timer = setInterval(() => this.check(), this.config.balanceCheckIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
  }

  private check(): void {
    this.checking ??= this.db
      .query<Array<{ currency: string; sum: string }>>(TRIAL_BALANCE_SQL.balanceSumsByCurrency)
      .then((rows) => {
        for (const { currency, sum } of rows) this.sums.set({ currency }, Number(sum));
        this.checkedAt.setToCurrentTime();
      })
      .catch((error: Error) => this.logger.warn(`balance check failed: ${error.message}`))
      .finally(() => (this.checking = undefined));
  }
}
