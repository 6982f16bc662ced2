import { AppLogger, checkConnections, loadConfig, logDestination, migrateDatabase, runMain } from '#platform';
import { migrations } from './index.js';

runMain(async () => {
  const config = loadConfig();
  const logger = new AppLogger(config.logLevel, logDestination(config.nodeEnv));
  await checkConnections(config, { redis: false, databaseMayBeMissing: true }); // it creates a missing database
  const applied = await migrateDatabase(config.databaseUrl, migrations);
  logger.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database is up to date', 'Migrations');
});
