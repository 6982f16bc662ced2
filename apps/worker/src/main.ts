import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppLogger, checkConnections, checkPort, createHttpAdapter, listenOn, loadConfig, runMain } from '#platform';
import { WorkerModule } from './worker.module.js';

// The worker has no public API: only its own /health and /metrics on WORKER_PORT.
runMain(async () => {
  const config = loadConfig();
  await checkConnections(config);
  await checkPort(config.workerPort, 'WORKER_PORT');
  const app = await NestFactory.create<NestFastifyApplication>(WorkerModule, createHttpAdapter(), {
    bufferLogs: true,
    bodyParser: false,
  });
  const logger = app.get(AppLogger);
  app.useLogger(logger);
  app.enableShutdownHooks();
  await listenOn(app, config.workerPort, 'WORKER_PORT');
  const url = `http://localhost:${config.workerPort}`;
  logger.log(`worker processing payments — health at ${url}/health, metrics at ${url}/metrics`, 'Worker');
});
