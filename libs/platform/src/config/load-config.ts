import { config as loadDotEnv } from 'dotenv';
import { AppConfig } from './app-config.js';

/** Reads `.env` (when present, never overriding the real environment) and validates it. */
export function loadConfig(): AppConfig {
  loadDotEnv({ quiet: true });
  return AppConfig.fromEnv(process.env);
}
