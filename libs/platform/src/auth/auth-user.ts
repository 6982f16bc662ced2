export type Role = 'USER' | 'ADMIN';

/** Who is calling: resolved from a live access token on every request. */
export interface AuthUser {
  id: string;
  role: Role;
  confirmed: boolean;
  tokenId: string;
}
