import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig } from '#platform';
import { DataSource } from 'typeorm';
import { PasswordHasher } from '../auth/password-hasher.js';
import { normaliseEmail } from '../domain/user.view.js';

/** Creates the administrator named by ADMIN_EMAIL/ADMIN_PASSWORD at start-up (an existing user is promoted). */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.adminEmail || !this.config.adminPassword) return;
    const email = normaliseEmail(this.config.adminEmail);
    const [row] = await this.db.query<Array<{ created: boolean }>>(
      `INSERT INTO users (email, name, password_hash, role, confirmed) VALUES ($1, 'Administrator', $2, 'ADMIN', true)
       ON CONFLICT (email) DO UPDATE SET role = 'ADMIN', confirmed = true
       RETURNING (xmax = 0) AS created`,
      [email, await this.hasher.hash(this.config.adminPassword)],
    );
    this.logger.log(`administrator ${email} ${row.created ? 'created' : 'present'}`);
  }
}
