/** An API key as its owner sees it: never its secret, which is shown once, when it is created. */
export interface ApiKeyView {
  id: string;
  name: string;
  readOnly: boolean;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreatedApiKey extends ApiKeyView {
  key: string;
}

/** The columns of an ApiKeyView, on the table aliased `k`. */
export const API_KEY_COLUMNS = 'k.id, k.name, k.read_only, k.prefix, k.created_at, k.last_used_at';

export interface ApiKeyRow {
  id: string;
  name: string;
  read_only: boolean;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
}

export function toApiKeyView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    readOnly: row.read_only,
    prefix: row.prefix,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}
