export { EventsModule } from './events.module.js';
export { EventsGatewayModule } from './events-gateway.module.js';
export { useRedisIoAdapter } from './gateway/redis-io.adapter.js';
export { EVENTS_NAMESPACE } from './event-map.js';
export type { ClientToServerEvents, ServerToClientEvents, WatchRefused } from './event-map.js';
