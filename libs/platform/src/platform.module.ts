import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTokenGuard } from './auth/access-token.guard.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthDetails } from './health/health-details.js';
import { ListQueries } from './list-query/list-query.js';
import { LoggingModule } from './logging/logging.module.js';
import { Currencies } from './money/currencies.js';
import { RedisModule } from './redis/redis.module.js';

/** What every process needs: config, PostgreSQL, Redis, logs, money, list queries and what /health details. */
@Global()
@Module({
  imports: [ConfigModule, LoggingModule, DatabaseModule, RedisModule],
  providers: [Currencies, ListQueries, HealthDetails],
  exports: [Currencies, ListQueries, HealthDetails],
})
export class PlatformModule {}

/** Secure by default: every HTTP route needs a live access token unless it is @Public(). */
@Module({ providers: [{ provide: APP_GUARD, useClass: AccessTokenGuard }] })
export class AuthGuardModule {}
