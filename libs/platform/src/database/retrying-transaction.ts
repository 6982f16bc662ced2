import type { DataSource, EntityManager } from 'typeorm';

// A serialization failure or a deadlock: the transaction was rolled back and may simply run again.
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 3;

/** `work` in a transaction of its own, run again (up to a few times) when PostgreSQL rolled it back for a conflict. */
export async function retryingTransaction<T>(db: DataSource, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      const code = (error as { driverError?: { code?: string } }).driverError?.code;
      if (!code || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
