import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { hashConfirmationToken } from '#users';

/**
 * Issues a confirmation token for `email` in the api's database, as the api does before it mails
 * one (only its hash is stored): for the demo and the bench, which read no mailbox. Null when no
 * such user is there.
 */
export async function issueConfirmationToken(db: Pick<Client, 'query'>, email: string): Promise<string | null> {
  const token = randomBytes(32).toString('base64url');
  const { rowCount } = await db.query(
    `INSERT INTO email_confirmations (token_hash, user_id, expires_at)
     SELECT $1, id, now() + interval '1 hour' FROM users WHERE email = $2`,
    [hashConfirmationToken(token), email],
  );
  return rowCount ? token : null;
}
