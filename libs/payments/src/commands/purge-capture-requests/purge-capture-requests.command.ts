import { Command } from '@nestjs/cqrs';

/**
 * Forgets capture Idempotency-Keys older than WEBHOOK_RETENTION_DAYS (far past the 24 h keys are
 * promised for), in small batches; answers how many went. A capture is final once made, so the
 * key only answers a client's retries of it.
 */
export class PurgeCaptureRequests extends Command<number> {}
