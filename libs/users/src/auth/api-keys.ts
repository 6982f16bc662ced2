import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type AuthUser, BatchStatement, type Role } from '#platform';
import { DataSource } from 'typeorm';
import { CredentialLookup, type CredentialRow } from './credential-lookup.js';

const MARKER = 'bgk_';
const SECRET_BYTES = 32;
const FORMAT = /^bgk_[A-Za-z0-9_-]{43}$/;
/** The marker and the first few characters of the secret: enough to tell a user's keys apart, nothing to guess with. */
const PREFIX_LENGTH = MARKER.length + 4;

export interface NewApiKey {
  /** Shown to its owner once, and never stored. */
  key: string;
  hash: string;
  prefix: string;
}

/** Bearer values with the API-key marker; every other bearer is an access token (a JWT never starts so). */
export function isApiKey(raw: unknown): raw is string {
  return typeof raw === 'string' && raw.startsWith(MARKER);
}

/**
 * SHA-256, unsalted: the secret is 256 random bits, so no dictionary or brute force can reach it,
 * and a fast hash found by unique index is as safe as a slow one. A slow, salted hash (argon2) is
 * for passwords, which people choose; here it would cost every request and forbid the index lookup.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function newApiKey(): NewApiKey {
  const key = MARKER + randomBytes(SECRET_BYTES).toString('base64url');
  return { key, hash: hashApiKey(key), prefix: key.slice(0, PREFIX_LENGTH) };
}

/** The key among $1 (hashes), liveness computed per row as for access tokens. */
const FIND_KEYS = new BatchStatement(
  `SELECT k.id, k.secret_hash, k.user_id, k.read_only, u.role, u.confirmed, k.revoked_at IS NULL AS live,
          (k.last_used_at IS NULL OR k.last_used_at < now() - $2 * interval '1 millisecond') AS stale
     FROM api_keys k JOIN users u ON u.id = k.user_id
    WHERE k.secret_hash = ANY($1::text[])`,
);

interface KeyRow extends CredentialRow {
  secret_hash: string;
  user_id: string;
  read_only: boolean;
  role: Role;
  confirmed: boolean;
}

/** Resolves API keys to their users, checking the key's row on every request as access tokens do. */
@Injectable()
export class ApiKeys {
  private readonly liveKeys: CredentialLookup<KeyRow>;

  constructor(@InjectDataSource() db: DataSource) {
    this.liveKeys = new CredentialLookup(db, { table: 'api_keys', find: FIND_KEYS, keyOf: (row) => row.secret_hash });
  }

  async authenticate(raw: string): Promise<AuthUser | false> {
    if (!FORMAT.test(raw)) return false;
    const key = await this.liveKeys.find(hashApiKey(raw));
    if (!key) return false;
    return {
      id: key.user_id,
      role: key.role,
      confirmed: key.confirmed,
      credential: 'api-key',
      credentialId: key.id,
      readOnly: key.read_only,
    };
  }
}
