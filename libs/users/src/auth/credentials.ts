import { Injectable } from '@nestjs/common';
import type { AuthUser } from '#platform';
import { AccessTokens } from './access-tokens.js';
import { ApiKeys, isApiKey } from './api-keys.js';

/** For sockets and anything else that holds a raw bearer value: an access token or an API key. */
@Injectable()
export class Credentials {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly keys: ApiKeys,
  ) {}

  authenticate(raw: unknown): Promise<AuthUser | false> {
    return isApiKey(raw) ? this.keys.authenticate(raw) : this.tokens.authenticate(raw);
  }
}
