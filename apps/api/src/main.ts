import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, configureHttpApp, createHttpAdapter, loadConfig, runMain, shutDownGracefully } from '#platform';
import { useRedisIoAdapter } from '#events';
import { ApiModule } from './api.module.js';

runMain(async () => {
  loadConfig(); // fail with one clear line before anything connects
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule, createHttpAdapter(), { bufferLogs: true, bodyParser: false });
  configureHttpApp(app);
  useRedisIoAdapter(app);
  shutDownGracefully(app);
  await app.listen(app.get(AppConfig).port, '0.0.0.0');
});
