import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '#platform';
import { PurgeCaptureRequests } from '../commands/purge-capture-requests/purge-capture-requests.command.js';
import { SweepPayments } from '../commands/sweep-payments/sweep-payments.command.js';

const SWEEP_INTERVAL = 'payments-sweep';

/** Every SWEEP_INTERVAL_MS, finishes payments left INITIATED for longer than SWEEP_STALE_AFTER_MS and forgets capture keys past retention. */
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
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', SWEEP_INTERVAL)) this.scheduler.deleteInterval(SWEEP_INTERVAL);
    await this.sweeping;
  }

  private sweep(): void {
    if (this.sweeping) return;
    this.sweeping = this.commands
      .execute(new SweepPayments(undefined, false))
      .then((result) => result.examined && this.logger.log(result, 'swept stale payments'))
      .then(() => this.commands.execute(new PurgeCaptureRequests()))
      .then((purged) => purged && this.logger.log(`forgot ${purged} capture Idempotency-Keys past their retention`))
      .catch((error: Error) => this.logger.error(`sweep failed: ${error.message}`))
      .finally(() => (this.sweeping = undefined));
  }
}
