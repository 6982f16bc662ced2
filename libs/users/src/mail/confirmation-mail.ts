import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '#platform';
import { type EntityManager, IsNull } from 'typeorm';
import { EmailConfirmation } from '../domain/email-confirmation.entity.js';
import { Mailer } from './mailer.js';

const CONFIRMATION_TTL_MS = 24 * 3_600_000;

export function hashConfirmationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Issues a one-time confirmation token (replacing any earlier one) and mails its link. */
@Injectable()
export class ConfirmationMail {
  private readonly logger = new Logger('ConfirmationMail');

  constructor(
    private readonly mailer: Mailer,
    private readonly config: AppConfig,
  ) {}

  /** Inside the caller's transaction. */
  async issue(tx: EntityManager, userId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const confirmations = tx.getRepository(EmailConfirmation);
    await confirmations.update({ userId, usedAt: IsNull() }, { usedAt: new Date() });
    await confirmations.insert({
      tokenHash: hashConfirmationToken(token),
      userId,
      expiresAt: new Date(Date.now() + CONFIRMATION_TTL_MS),
      usedAt: null,
    });
    return token;
  }

  /** Sent after the registration committed; a failed send is logged, and the user can ask again. */
  async send(email: string, token: string): Promise<void> {
    const link = `${this.config.publicUrl}/confirm?token=${token}`;
    try {
      await this.mailer.send({
        to: email,
        subject: 'Confirm your e-mail for billing-gateway',
        text: `Confirm your e-mail address by opening ${link}\nor by posting {"token": "${token}"} to /api/v1/auth/confirm.\nThe link is valid for 24 hours.`,
      });
    } catch (error) {
      this.logger.error(`confirmation mail to ${email} failed: ${(error as Error).message}`);
    }
  }
}
