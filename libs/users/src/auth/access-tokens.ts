import { createSecretKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import jwt from 'jsonwebtoken';
import { AppConfig, type AuthUser, BatchStatement, isUuid, type Role } from '#platform';
import { DataSource } from 'typeorm';
import { CredentialLookup, type CredentialRow } from './credential-lookup.js';

export interface AccessTokenClaims {
  sub: string;
  jti: string;
}

/**
 * The tokens among $1, with whether each is live. By primary key alone, liveness computed per row:
 * with it in the WHERE clause the planner may read every live token through the partial index of
 * live tokens instead.
 */
const FIND_TOKENS = new BatchStatement(
  `SELECT t.id, t.user_id, u.role, u.confirmed, (t.revoked_at IS NULL AND t.expires_at > now()) AS live,
          (t.last_used_at IS NULL OR t.last_used_at < now() - $2 * interval '1 millisecond') AS stale
     FROM access_tokens t JOIN users u ON u.id = t.user_id
    WHERE t.id = ANY($1::uuid[])`,
);

interface TokenRow extends CredentialRow {
  user_id: string;
  role: Role;
  confirmed: boolean;
}

/** Signs access tokens and resolves them to users, checking the token row on every request. */
@Injectable()
export class AccessTokens {
  /**
   * The secret as a KeyObject: given a string, jsonwebtoken first tries to parse it as a PEM
   * public key and throws, on every request — a cost the benchmark sees in the api's CPU
   * (docs/performance.md, "Figures moved out of the code").
   */
  readonly signingKey: KeyObject;
  private readonly liveTokens: CredentialLookup<TokenRow>;

  constructor(config: AppConfig, @InjectDataSource() db: DataSource) {
    this.signingKey = createSecretKey(Buffer.from(config.jwtSecret));
    this.liveTokens = new CredentialLookup(db, { table: 'access_tokens', find: FIND_TOKENS, keyOf: (row) => row.id });
  }

  sign(userId: string, tokenId: string, expiresAt: Date): string {
    return jwt.sign({ sub: userId, jti: tokenId, exp: Math.floor(expiresAt.getTime() / 1000) }, this.signingKey, {
      algorithm: 'HS256',
    });
  }

  /** For sockets and anything else that holds a raw token: verify the signature, then the row. */
  async authenticate(rawToken: unknown): Promise<AuthUser | false> {
    if (typeof rawToken !== 'string') return false;
    let claims: AccessTokenClaims;
    try {
      claims = jwt.verify(rawToken, this.signingKey, { algorithms: ['HS256'] }) as AccessTokenClaims;
    } catch {
      return false;
    }
    return this.resolve(claims);
  }

  async resolve(claims: AccessTokenClaims): Promise<AuthUser | false> {
    if (!isUuid(claims.jti) || !isUuid(claims.sub)) return false;
    const token = await this.liveTokens.find(claims.jti.toLowerCase());
    if (!token || token.user_id !== claims.sub.toLowerCase()) return false;
    return {
      id: token.user_id,
      role: token.role,
      confirmed: token.confirmed,
      credential: 'access-token',
      credentialId: token.id,
      readOnly: false,
    };
  }
}
