import { createSecretKey, type KeyObject } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import jwt from 'jsonwebtoken';
import { AppConfig, type AuthUser, Coalescer, isUuid, PreparedStatement, type Role } from '#platform';
import { DataSource } from 'typeorm';

export interface AccessTokenClaims {
  sub: string;
  jti: string;
}

const LAST_USED_RESOLUTION_MS = 60_000;
/** Under load, token checks share a query at most this often, instead of one query per ~2 requests. */
const MIN_MS_BETWEEN_CHECKS = 4;

/**
 * The tokens among $1, with whether each is live. By primary key alone, liveness computed per row:
 * with it in the WHERE clause the planner may read every live token through the partial index of
 * live tokens instead.
 */
const FIND_TOKENS = new PreparedStatement(
  `SELECT t.id, t.user_id, u.role, u.confirmed, (t.revoked_at IS NULL AND t.expires_at > now()) AS live,
          (t.last_used_at IS NULL OR t.last_used_at < now() - $2 * interval '1 millisecond') AS stale
     FROM access_tokens t JOIN users u ON u.id = t.user_id
    WHERE t.id = ANY($1::uuid[])`,
);

interface LiveToken {
  id: string;
  user_id: string;
  role: Role;
  confirmed: boolean;
  stale: boolean;
}

/**
 * Signs access tokens and resolves them to users. Every request checks the token row, so a
 * revocation is seen at once by every api instance; the checks of concurrent requests share one
 * query, and `lastUsedAt` is written at most once a minute.
 */
@Injectable()
export class AccessTokens {
  private readonly logger = new Logger('AccessTokens');
  /**
   * The secret as a KeyObject: given a string, jsonwebtoken first tries to parse it as a PEM
   * public key and throws, on every request — a cost the benchmark sees in the api's CPU
   * (docs/performance.md, "Figures moved out of the code").
   */
  readonly signingKey: KeyObject;
  private readonly liveTokens = new Coalescer<string, LiveToken | undefined>((ids) => this.findLive(ids), { minIntervalMs: MIN_MS_BETWEEN_CHECKS });

  constructor(
    config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.signingKey = createSecretKey(Buffer.from(config.jwtSecret));
  }

  sign(userId: string, tokenId: string, expiresAt: Date): string {
    return jwt.sign({ sub: userId, jti: tokenId, exp: Math.floor(expiresAt.getTime() / 1000) }, this.signingKey, { algorithm: 'HS256' });
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
    const token = await this.liveTokens.run(claims.jti.toLowerCase());
    if (!token || token.user_id !== claims.sub.toLowerCase()) return false;
    return { id: token.user_id, role: token.role, confirmed: token.confirmed, tokenId: token.id };
  }

  private async findLive(ids: string[]): Promise<Array<LiveToken | undefined>> {
    const found = await FIND_TOKENS.run<Array<LiveToken & { live: boolean }>>(this.db, [ids, LAST_USED_RESOLUTION_MS]);
    const rows = found.filter((row) => row.live);
    const stale = rows.filter((row) => row.stale).map((row) => row.id);
    if (stale.length) {
      // Not awaited: the request does not wait for its bookkeeping.
      this.db
        .query(`UPDATE access_tokens SET last_used_at = now() WHERE id = ANY($1::uuid[])`, [stale])
        .catch((error: Error) => this.logger.warn(`lastUsedAt not recorded: ${error.message}`));
    }
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  }
}
