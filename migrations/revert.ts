import { AppLogger, checkConnections, loadConfig, logDestination, revertLastMigration, runMain } from '#platform';
import { migrations } from './index.js';

runMain(async () => {
  const config = loadConfig();
  const logger = new AppLogger(config.logLevel, logDestination(config.nodeEnv));
  await checkConnections(config, { redis: false });
  const reverted = await revertLastMigration(config.databaseUrl, migrations);
  logger.log(reverted ? `reverted migration: ${reverted}` : 'no migration to revert', 'Migrations');
});
