export { WebhooksHttpModule } from './webhooks-http.module.js';
export { WebhooksModule } from './webhooks.module.js';
export { WebhooksWorkerModule } from './webhooks-worker.module.js';
