import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '#platform';
import { SweepPayments } from '../commands/sweep-payments/sweep-payments.command.js';

const SWEEP_INTERVAL = 'payments-sweep';

/**
 * Every SWEEP_INTERVAL_MS, finishes payments left INITIATED for longer than SWEEP_STALE_AFTER_MS;
 * and once at start, every payment INITIATED, however young. A worker that starts may follow one
 * that died: the payments of the jobs it held are locked in Bull until their lock expires and the
 * stalled-job check has seen them twice, and those whose jobs were lost or failed wait for the
 * staleness. Posting is idempotent, so posting them all at once is safe, also beside another
 * worker or the queue's own jobs for the same payments.
 */
@Injectable()
export class PaymentSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PaymentSweeper');
  private sweeping?: Promise<unknown>;

  constructor(
    private readonly commands: CommandBus,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval(SWEEP_INTERVAL, setInterval(() => this.sweep(), this.config.sweepIntervalMs));
    // Behind a sweep already running elsewhere rather than skipped: that one only posts the stale.
    this.sweep(new SweepPayments(0, true));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', SWEEP_INTERVAL)) this.scheduler.deleteInterval(SWEEP_INTERVAL);
    await this.sweeping;
  }

  private sweep(command = new SweepPayments(undefined, false)): void {
    if (this.sweeping) return;
    this.sweeping = this.commands
      .execute(command)
      .then((result) => result.examined && this.logger.log(result, 'swept stale payments'))
      .catch((error: Error) => this.logger.error(`sweep failed: ${error.message}`))
      .finally(() => (this.sweeping = undefined));
  }
}
