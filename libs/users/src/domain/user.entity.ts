import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '#platform';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Stored lower-cased: e-mails are unique case-insensitively. */
  @Column('text') email: string;
  @Column('text', { nullable: true }) name: string | null;
  @Column('text', { name: 'password_hash' }) passwordHash: string;
  @Column('text') role: Role;
  @Column('boolean') confirmed: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
}
