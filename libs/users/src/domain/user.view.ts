import type { Role } from '#platform';
import type { User } from './user.entity.js';

export interface UserView {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  confirmed: boolean;
  createdAt: string;
}

export interface TokenView {
  id: string;
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
}

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    confirmed: user.confirmed,
    createdAt: user.createdAt.toISOString(),
  };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
