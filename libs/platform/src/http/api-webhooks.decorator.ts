import { type INestApplication, SetMetadata, type Type } from '@nestjs/common';
import type { NestContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';

const API_WEBHOOKS = 'billing:openapi-webhooks';

/** What a feature sends out, as OpenAPI 3.1 documents it: one path item per webhook, and the models they name. */
export interface DocumentedWebhooks {
  webhooks: NonNullable<OpenAPIObject['webhooks']>;
  models: Type[];
}

/**
 * Documents, on the controller that manages them, the requests a feature sends to its users'
 * servers: they go to the OpenAPI document's `webhooks`, which @nestjs/swagger fills only from
 * routes this api would then serve itself.
 */
export const ApiWebhooks = (documented: DocumentedWebhooks): ClassDecorator => SetMetadata(API_WEBHOOKS, documented);

/** Every controller's ApiWebhooks in `app`, merged; read from the module container, as @nestjs/swagger reads routes. */
export function declaredWebhooks(app: INestApplication): DocumentedWebhooks {
  const { container } = app as unknown as { container: NestContainer };
  const declared: DocumentedWebhooks = { webhooks: {}, models: [] };
  for (const module of container.getModules().values()) {
    for (const { metatype } of module.controllers.values()) {
      if (!metatype) continue;
      const found = Reflect.getMetadata(API_WEBHOOKS, metatype) as DocumentedWebhooks | undefined;
      if (!found) continue;
      Object.assign(declared.webhooks, found.webhooks);
      declared.models.push(...found.models);
    }
  }
  return declared;
}
