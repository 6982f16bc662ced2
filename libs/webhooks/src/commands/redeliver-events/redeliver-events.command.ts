import { Command } from '@nestjs/cqrs';

/**
 * Queues events again for one of the owner's endpoints: those since `since`, or those named, or
 * both, among the events its owner may see within retention and that the endpoint subscribes to.
 * An event already on its way is sent again after the attempt in flight, never in parallel.
 */
export class RedeliverEvents extends Command<{ queued: number }> {
  constructor(
    readonly ownerId: string,
    readonly endpointId: string,
    readonly since: Date | undefined,
    readonly eventIds: string[] | undefined,
  ) {
    super();
  }
}
