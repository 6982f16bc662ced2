import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  AppLogger,
  checkConnections,
  checkPort,
  configureHttpApp,
  createHttpAdapter,
  listenOn,
  loadConfig,
  runMain,
  shutDownGracefully,
} from '#platform';
import { useRedisIoAdapter } from '#events';
import { ApiModule } from './api.module.js';

runMain(async () => {
  const config = loadConfig(); // fail with one clear line before anything connects
  await checkConnections(config);
  await checkPort(config.port, 'PORT');
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule, createHttpAdapter(), {
    bufferLogs: true,
    bodyParser: false,
  });
  configureHttpApp(app);
  useRedisIoAdapter(app);
  shutDownGracefully(app);
  await listenOn(app, config.port, 'PORT');
  const url = `http://localhost:${config.port}`;
  app.get(AppLogger).log(`api listening on ${url} — Swagger UI at ${url}/docs`, 'Api');
});
