import { InjectQueue } from '@nestjs/bull';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Job, Queue } from 'bull';
import { DeliverWebhooks } from '../commands/deliver-webhooks/deliver-webhooks.command.js';
import { MAX_QUEUED_JOBS } from './delivery-dispatcher.js';
import { type DeliverWebhooksJob, WEBHOOKS_QUEUE, WebhookJobs } from './webhook-queue.js';

/** Consumes the webhooks queue: as many jobs at once as the queue may hold, so none waits behind a slow receiver. */
@Injectable()
export class WebhookProcessor implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue<DeliverWebhooksJob>,
    private readonly commands: CommandBus,
  ) {}

  onApplicationBootstrap(): void {
    void this.queue.process(WebhookJobs.deliver, MAX_QUEUED_JOBS, (job: Job<DeliverWebhooksJob>) => this.commands.execute(new DeliverWebhooks(job.data.leases)));
  }
}
