import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, AppLogger, createHttpAdapter, loadConfig, runMain } from '#platform';
import { WorkerModule } from './worker.module.js';

// The worker has no public API: only its own /health and /metrics on WORKER_PORT.
runMain(async () => {
  loadConfig();
  const app = await NestFactory.create<NestFastifyApplication>(WorkerModule, createHttpAdapter(), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(AppLogger));
  app.enableShutdownHooks();
  await app.listen(app.get(AppConfig).workerPort, '0.0.0.0');
});
