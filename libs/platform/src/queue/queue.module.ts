import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

/** Bull on the shared Redis; QUEUE_PREFIX keeps deployments (and test runs) apart. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ redis: config.redisUrl, prefix: config.queuePrefix }),
    }),
  ],
  exports: [BullModule],
})
export class QueueModule {}
