import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AppConfig } from '#platform';
import { PurgeWebhookHistory } from '../commands/purge-history/purge-history.command.js';

/** Every WEBHOOK_PURGE_INTERVAL_MS, purges the events and deliveries past WEBHOOK_RETENTION_DAYS. */
@Injectable()
export class HistoryPurger implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('HistoryPurger');
  private timer?: NodeJS.Timeout;
  private purging?: Promise<unknown>;

  constructor(
    private readonly commands: CommandBus,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.purge(), this.config.webhookPurgeIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.purging;
  }

  private purge(): void {
    if (this.purging) return;
    this.purging = this.commands
      .execute(new PurgeWebhookHistory(this.config.webhookRetentionDays))
      .then((purged) => purged && this.logger.log(`purged ${purged} webhook events past their retention`))
      .catch((error: Error) => this.logger.error(`purging webhook history failed: ${error.message}`))
      .finally(() => (this.purging = undefined));
  }
}
