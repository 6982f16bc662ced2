import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

/**
 * A job whose worker died stays active until its lock expires and Bull's stalled-job check has
 * seen it unlocked, which takes up to lockDuration + stalledInterval; at Bull's defaults that was
 * a minute before a live worker took it again. A worker renews its locks every half lockDuration,
 * so only an event loop blocked for longer lets a job run twice, which posting tolerates (it is
 * idempotent); each check is one Lua script over the active list.
 */
const QUEUE_SETTINGS = { lockDuration: 5000, stalledInterval: 5000 };

/** Bull on the shared Redis; QUEUE_PREFIX keeps deployments (and test runs) apart. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        redis: config.redisUrl,
        prefix: config.queuePrefix,
        settings: QUEUE_SETTINGS,
      }),
    }),
  ],
  exports: [BullModule],
})
export class QueueModule {}
