import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A one-time confirmation link; only the SHA-256 of its token is stored. */
@Entity('email_confirmations')
export class EmailConfirmation {
  @PrimaryColumn('text', { name: 'token_hash' }) tokenHash: string;
  @Column('uuid', { name: 'user_id' }) userId: string;
  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 }) expiresAt: Date;
  @Column({ name: 'used_at', type: 'timestamptz', precision: 3, nullable: true }) usedAt: Date | null;
}
