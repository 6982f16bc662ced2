import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '#platform';
import { PurgeCaptureRequests } from '../commands/purge-capture-requests/purge-capture-requests.command.js';
import { SweepPayments } from '../commands/sweep-payments/sweep-payments.command.js';
import { PostingBacklog } from './posting-backlog.js';

const SWEEP_INTERVAL = 'payments-sweep';
const LOST_JOBS_CHECK = 'payments-lost-jobs';
const LOST_JOBS_CHECK_MS = 1000;

/**
 * Every SWEEP_INTERVAL_MS, finishes payments left INITIATED for longer than SWEEP_STALE_AFTER_MS
 * and forgets capture keys past retention.
 *
 * Once at start, every payment INITIATED, however young. A worker that starts may follow one
 * that died: the payments of the jobs it held are locked in Bull until their lock expires and the
 * stalled-job check has seen them twice, and those whose jobs were lost or failed wait for the
 * staleness. Posting is idempotent, so posting them all at once is safe, also beside another
 * worker or the queue's own jobs for the same payments.
 *
 * And as soon as a payment is older than BACKPRESSURE_MAX_BACKLOG_MS while no job waits in the
 * queue: posting keeps up with the queue, so that payment's job was lost (Redis did not answer
 * when it was accepted) or its worker died. Left to the staleness, it would have new payments
 * refused until then.
 */
@Injectable()
export class PaymentSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PaymentSweeper');
  private sweeping?: Promise<unknown>;

  constructor(
    private readonly commands: CommandBus,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: AppConfig,
    private readonly backlog: PostingBacklog,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval(
      SWEEP_INTERVAL,
      setInterval(() => this.sweep(), this.config.sweepIntervalMs),
    );
    this.scheduler.addInterval(
      LOST_JOBS_CHECK,
      setInterval(() => this.sweepLostJobs(), LOST_JOBS_CHECK_MS),
    );
    // Behind a sweep already running elsewhere rather than skipped: that one only posts the stale.
    this.sweep(new SweepPayments(0, true));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const name of [SWEEP_INTERVAL, LOST_JOBS_CHECK]) {
      if (this.scheduler.doesExist('interval', name)) this.scheduler.deleteInterval(name);
    }
    await this.sweeping;
  }

  private sweepLostJobs(): void {
    const reading = this.backlog.current();
    const bound = this.config.backpressureMaxBacklogMs;
    if (reading && reading.queueDepth === 0 && reading.oldestInitiatedMs > bound) {
      this.sweep(new SweepPayments(bound, false));
    }
  }

  private sweep(command = new SweepPayments(undefined, false)): void {
    if (this.sweeping) return;
    this.sweeping = this.commands
      .execute(command)
      .then((result) => result.examined && this.logger.log(result, 'swept stale payments'))
      .then(() => this.commands.execute(new PurgeCaptureRequests()))
      .then((purged) => purged && this.logger.log(`forgot ${purged} capture Idempotency-Keys past their retention`))
      .catch((error: Error) => this.logger.error(`sweep failed: ${error.message}`))
      .finally(() => (this.sweeping = undefined));
  }
}
