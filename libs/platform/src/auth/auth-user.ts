export type Role = 'USER' | 'ADMIN';

/** What a request authenticated with: a login's access token, or an API key (which is no login). */
export type CredentialKind = 'access-token' | 'api-key';

/** Who is calling: resolved from a live access token or API key on every request. */
export interface AuthUser {
  id: string;
  role: Role;
  confirmed: boolean;
  credential: CredentialKind;
  /** The access token's or the API key's id. */
  credentialId: string;
  /** An API key made read-only: it may read (GET, HEAD, OPTIONS) and nothing else. */
  readOnly: boolean;
}
