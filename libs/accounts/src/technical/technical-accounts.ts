import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Currencies } from '#platform';
import { DataSource } from 'typeorm';
import { TECHNICAL_CODES, type TechnicalCode } from '../domain/account.js';

/**
 * The technical accounts (`external:bank`, `external:wallet`, `fees`, `fx`) of every configured
 * currency: created at start-up when missing (so a newly configured currency gets its own), then
 * looked up from memory — their ids never change.
 */
@Injectable()
export class TechnicalAccounts implements OnApplicationBootstrap {
  private readonly logger = new Logger('TechnicalAccounts');
  private ids = new Map<string, string>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly currencies: Currencies,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const codes = this.currencies.all.flatMap((c) => TECHNICAL_CODES.map((code) => ({ code, currency: c.code })));
    const created = await this.db.query<unknown[]>(
      `INSERT INTO accounts (type, code, currency, name)
       SELECT 'TECHNICAL', t.code, t.currency, t.code || ' ' || t.currency
         FROM unnest($1::text[], $2::text[]) AS t(code, currency)
       ON CONFLICT (code, currency) WHERE type = 'TECHNICAL' DO NOTHING
       RETURNING id`,
      [codes.map((c) => c.code), codes.map((c) => c.currency)],
    );
    if (created.length) this.logger.log(`created ${created.length} technical accounts`);
    const rows = await this.db.query<Array<{ id: string; code: string; currency: string }>>(
      `SELECT id, code, currency FROM accounts WHERE type = 'TECHNICAL'`,
    );
    this.ids = new Map(rows.map((r) => [`${r.code}/${r.currency}`, r.id]));
  }

  id(code: TechnicalCode, currency: string): string {
    const id = this.ids.get(`${code}/${currency}`);
    if (!id) throw new Error(`technical account ${code} ${currency} is missing`);
    return id;
  }
}
