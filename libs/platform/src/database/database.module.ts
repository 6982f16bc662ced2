import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { ServerSettingsCheck } from './server-settings.js';

/**
 * TypeORM over PostgreSQL. Transactions are explicit: a command opens one with
 * `dataSource.transaction(manager => ...)` and hands the EntityManager to whatever writes inside it.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.databaseUrl, config.dbPoolSize),
        autoLoadEntities: true,
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [ServerSettingsCheck],
  exports: [ServerSettingsCheck],
})
export class DatabaseModule {}
