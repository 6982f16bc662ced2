import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import type { AccountDto } from '#accounts';
import type { PaymentDto, PaymentGroupDto } from '#payments';
import { IsMetadata, type Metadata, type MetadataPatch } from '#platform';
import { MAX_WEBHOOK_URL_LENGTH } from '../../address/webhook-addresses.js';
import { DELIVERY_STATUSES } from '../../domain/webhook-delivery.js';
import { SUBSCRIBABLE_EVENTS, WEBHOOK_EVENT_TYPES } from '../../domain/webhook-events.js';
import { EVENT_DATA } from '../webhook-events.openapi.js';

/** Event ids one redelivery request may name. */
const MAX_REDELIVERED_IDS = 1000;

const URL_DESCRIPTION =
  'Where events are POSTed. https to a host whose every address is public (no loopback, private, link-local, CGNAT, multicast or reserved range), no credentials; checked again at every delivery. Plain http and private addresses only with WEBHOOK_ALLOW_INSECURE=true.';
const EVENTS_DESCRIPTION = '`*` for every event, or some of the event names.';

export class CreateWebhookEndpointDto {
  @ApiProperty({
    maxLength: MAX_WEBHOOK_URL_LENGTH,
    example: 'https://merchant.example.com/billing/webhooks',
    description: URL_DESCRIPTION,
  })
  @IsString()
  url: string;

  @ApiPropertyOptional({ type: [String], enum: SUBSCRIBABLE_EVENTS, default: ['*'], description: EVENTS_DESCRIPTION })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE_EVENTS.length)
  @IsIn(SUBSCRIBABLE_EVENTS, { each: true })
  events?: string[];

  @ApiPropertyOptional({ maxLength: 255, example: 'order fulfilment' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  description?: string;

  @IsMetadata()
  metadata?: Metadata | null;
}

/** Absent leaves a field as it is; `null` clears the one field that may be empty, and is refused for the others. */
const unlessAbsent = (field: keyof UpdateWebhookEndpointDto) =>
  ValidateIf((body: UpdateWebhookEndpointDto) => body[field] !== undefined);

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({
    maxLength: MAX_WEBHOOK_URL_LENGTH,
    example: 'https://merchant.example.com/billing/webhooks',
    description: URL_DESCRIPTION,
  })
  @unlessAbsent('url')
  @IsString()
  url?: string;

  @ApiPropertyOptional({ type: [String], enum: SUBSCRIBABLE_EVENTS, default: ['*'], description: EVENTS_DESCRIPTION })
  @unlessAbsent('events')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE_EVENTS.length)
  @IsIn(SUBSCRIBABLE_EVENTS, { each: true })
  events?: string[];

  @ApiPropertyOptional({
    example: true,
    description: 'A disabled endpoint gets no new events; those already recorded are still delivered.',
  })
  @unlessAbsent('enabled')
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 255,
    example: 'order fulfilment',
    description: '`null` clears it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  description?: string | null;

  @IsMetadata({ nullRemoves: true })
  metadata?: MetadataPatch;
}

export class WebhookEndpointDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'https://merchant.example.com/billing/webhooks' }) url: string;
  @ApiProperty({ type: [String], enum: SUBSCRIBABLE_EVENTS, example: ['*'] }) events: string[];
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty() enabled: boolean;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { team: 'payments' },
    description: 'Your own tags; `{}` when none',
  })
  metadata: Record<string, string>;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Until then the secret replaced by the last rotation signs too',
  })
  previousSecretExpiresAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class WebhookEndpointWithSecretDto extends WebhookEndpointDto {
  @ApiProperty({
    example: 'whsec_3q2-7wEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    description: 'The signing secret: shown this once',
  })
  secret: string;
}

export class WebhookEndpointPageDto {
  @ApiProperty({ type: [WebhookEndpointDto] }) data: WebhookEndpointDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    format: 'uuid',
    description: "The event's id, the same for every endpoint it goes to: `Billing-Event-Id`",
  })
  eventId: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) type: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The payment of a `payment.*` event' })
  paymentId: string | null;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: string;
  @ApiProperty({ type: 'integer', description: 'Attempts made so far' }) attempts: number;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The HTTP status of the last attempt, if it got an answer',
  })
  lastStatusCode: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the next attempt is due (PENDING only)',
  })
  nextAttemptAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] }) data: WebhookDeliveryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class RedeliverEventsDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Events from this time on (required without `eventIds`)' })
  @ValidateIf((body: RedeliverEventsDto) => body.eventIds === undefined)
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_REDELIVERED_IDS,
    description: 'These events (with `since`: those of them from then on)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_REDELIVERED_IDS)
  @IsUUID('all', { each: true })
  eventIds?: string[];
}

export class RedeliveryDto {
  @ApiProperty({ type: 'integer', description: 'Deliveries queued: the events found that the endpoint subscribes to' })
  queued: number;
}

export class EventDto {
  @ApiProperty({ format: 'uuid', description: "The event's id: `Billing-Event-Id` of its deliveries" }) id: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) type: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty(EVENT_DATA) data: PaymentDto | AccountDto | PaymentGroupDto;
}

export class EventPageDto {
  @ApiProperty({ type: [EventDto] }) data: EventDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
