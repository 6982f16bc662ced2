import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, AppLogger, loadConfig, runMain } from '#platform';
import { WorkerModule } from './worker.module.js';

// The worker has no public API: only its own /health and /metrics on WORKER_PORT.
runMain(async () => {
  loadConfig();
  const app = await NestFactory.create<NestExpressApplication>(WorkerModule, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(AppLogger));
  app.enableShutdownHooks();
  await app.listen(app.get(AppConfig).workerPort, '0.0.0.0');
});
