import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { buildOpenApiDocument, createHttpAdapter, runMain, useApiPrefix } from '#platform';
import { ApiModule } from '../apps/api/src/api.module.js';

/**
 * Writes the api's OpenAPI document (default `openapi.json`) without a server or a database:
 * preview mode scans the modules and their decorators but instantiates no provider.
 */
runMain(async () => {
  const target = process.argv[2] ?? 'openapi.json';
  const app = await NestFactory.create(ApiModule, createHttpAdapter(), { preview: true, logger: false });
  useApiPrefix(app);
  writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
  await app.close();
});
