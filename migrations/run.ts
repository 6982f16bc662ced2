import { loadConfig, migrateDatabase } from '#platform';
import { migrations } from './index.js';

const config = loadConfig();
const applied = await migrateDatabase(config.databaseUrl, migrations);
console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database is up to date');
