import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, configureHttpApp, loadConfig, runMain, shutDownGracefully } from '#platform';
import { useRedisIoAdapter } from '#events';
import { ApiModule } from './api.module.js';

runMain(async () => {
  loadConfig(); // fail with one clear line before anything connects
  const app = await NestFactory.create<NestExpressApplication>(ApiModule, { bufferLogs: true, bodyParser: false });
  configureHttpApp(app);
  useRedisIoAdapter(app);
  shutDownGracefully(app);
  await app.listen(app.get(AppConfig).port, '0.0.0.0');
});
