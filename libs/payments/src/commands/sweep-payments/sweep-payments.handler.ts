import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig } from '#platform';
import { DataSource } from 'typeorm';
import { PostPayments } from '../post-payments/post-payments.command.js';
import { SweepPayments, type SweepResult } from './sweep-payments.command.js';

// One sweep at a time across every worker and api instance.
const SWEEP_LOCK = 0x5eed_0001;
const BATCH = 500;

@CommandHandler(SweepPayments)
export class SweepPaymentsHandler implements ICommandHandler<SweepPayments> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly commands: CommandBus,
    private readonly config: AppConfig,
  ) {}

  async execute({ olderThanMs, wait }: SweepPayments): Promise<SweepResult> {
    const result: SweepResult = { examined: 0, completed: 0, failed: 0 };
    const session = this.db.createQueryRunner();
    await session.connect();
    try {
      const [{ locked }] = (await session.query(
        wait ? `SELECT pg_advisory_lock($1) IS NOT NULL AS locked` : `SELECT pg_try_advisory_lock($1) AS locked`,
        [SWEEP_LOCK],
      )) as Array<{ locked: boolean }>;
      if (!locked) return result;
      try {
        const cutoff = new Date(Date.now() - (olderThanMs ?? this.config.sweepStaleAfterMs));
        let afterId = '00000000-0000-0000-0000-000000000000';
        for (;;) {
          const stale = (await this.db.query(
            `SELECT id FROM payments WHERE status = 'INITIATED' AND created_at <= $1 AND id > $2 ORDER BY id LIMIT ${BATCH}`,
            [cutoff, afterId],
          )) as Array<{ id: string }>;
          if (!stale.length) break;
          afterId = stale[stale.length - 1].id;
          const posted = await this.commands.execute(new PostPayments(stale.map((s) => s.id)));
          result.examined += stale.length;
          result.completed += posted.completed;
          result.failed += posted.failed;
        }
      } finally {
        await session.query(`SELECT pg_advisory_unlock($1)`, [SWEEP_LOCK]);
      }
      return result;
    } finally {
      await session.release();
    }
  }
}
