import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { RunningApp } from './harness.js';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
  auth: { Authorization: string };
}

/**
 * A Redis key prefix of its own for an app whose login limits a test relies on: attempts are
 * counted per e-mail and IP across the run, so other suites' logins (the admin's, from 127.0.0.1)
 * would otherwise eat into its budget.
 */
export function isolatedPrefix(): string {
  return `${process.env.QUEUE_PREFIX}-limits-${randomUUID().slice(0, 8)}`;
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.test`;
}

export async function login(running: RunningApp, email: string, password: string): Promise<string> {
  const res = await request(running.url).post('/api/v1/auth/login').send({ email, password }).expect(201);
  return res.body.accessToken as string;
}

/** Registers a user through the API, confirms the e-mail (unless told not to) and logs in. */
export async function registerUser(
  running: RunningApp,
  options: { confirmed?: boolean; prefix?: string } = {},
): Promise<TestUser> {
  const email = uniqueEmail(options.prefix);
  const password = 'correct horse battery';
  const res = await request(running.url).post('/api/v1/auth/register').send({ email, password }).expect(201);
  if (options.confirmed !== false) {
    await request(running.url)
      .post('/api/v1/auth/confirm')
      .send({ token: running.outbox.confirmationToken(email) })
      .expect(200);
  }
  const token = await login(running, email, password);
  return { id: res.body.id, email, password, token, auth: { Authorization: `Bearer ${token}` } };
}

/** Logs in as the administrator the app created from ADMIN_EMAIL/ADMIN_PASSWORD. */
export async function loginAdmin(running: RunningApp): Promise<TestUser> {
  const { adminEmail, adminPassword } = running.config;
  if (!adminEmail || !adminPassword) throw new Error('start the app with ADMIN_EMAIL and ADMIN_PASSWORD');
  const token = await login(running, adminEmail, adminPassword);
  const me = await request(running.url).get('/api/v1/users/me').set('Authorization', `Bearer ${token}`).expect(200);
  return {
    id: me.body.id,
    email: adminEmail,
    password: adminPassword,
    token,
    auth: { Authorization: `Bearer ${token}` },
  };
}

export const ADMIN_ENV = { ADMIN_EMAIL: 'admin@billing.test', ADMIN_PASSWORD: 'admin-password-for-tests' };
