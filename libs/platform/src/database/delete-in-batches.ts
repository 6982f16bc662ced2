import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `deleteSql` (a DELETE of at most `$1` rows, its other parameters `$2..`) until it deletes
 * fewer than `batch`: a purge in small transactions whose locks and WAL never stand in the way
 * of the traffic. Answers how many rows went.
 */
export async function deleteInBatches(
  db: DataSource | EntityManager,
  deleteSql: string,
  params: unknown[],
  batch = 500,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const [, count] = await db.query<[unknown, number]>(deleteSql, [batch, ...params]);
    deleted += count;
    if (count < batch) return deleted;
  }
}
