import { isUuid, type Metadata, NotFound } from '#platform';
import type { DataSource, EntityManager } from 'typeorm';

export interface WebhookEndpointRow {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  metadata: Metadata | null;
  secret: string;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface WebhookEndpointView {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  metadata: Metadata;
  /** While a rotated-out secret still signs, next to the current one. */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Registration and rotation answer the secret, once: it is never shown again. */
export interface WebhookEndpointWithSecret extends WebhookEndpointView {
  secret: string;
}

export const ENDPOINT_COLUMNS =
  'e.id, e.url, e.events, e.description, e.enabled, e.metadata, e.secret, ' +
  'CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret_expires_at END AS previous_secret_expires_at, e.created_at, e.updated_at';

export function toEndpointView(row: WebhookEndpointRow): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    enabled: row.enabled,
    metadata: row.metadata ?? {},
    previousSecretExpiresAt: row.previous_secret_expires_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function withSecret(row: WebhookEndpointRow): WebhookEndpointWithSecret {
  return { ...toEndpointView(row), secret: row.secret };
}

/** The caller's endpoint; another user's, an unknown or a malformed id are all simply not found. */
export async function ownEndpoint(
  db: DataSource | EntityManager,
  ownerId: string,
  id: string,
): Promise<WebhookEndpointRow> {
  const [row] = isUuid(id)
    ? await db.query<WebhookEndpointRow[]>(
        `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints e WHERE e.id = $1 AND e.owner_id = $2`,
        [id, ownerId],
      )
    : [];
  if (!row) throw new NotFound('webhook endpoint');
  return row;
}
