import type { Database } from '../../server/db/database';
import { eventsChannel } from '../../server/events/types';

/**
 * Commits one execution event the way the platform's commit does (next seq on the
 * Execution row, the stored event, its NOTIFY at commit), in one statement so that a
 * test or benchmark can emit thousands per second into the database a platform reads.
 */
export async function commitEventDirectly(database: Database, executionId: string, payload: string): Promise<number> {
  const [row] = await database.sql.query<{ seq: number }>(
    `WITH bumped AS (UPDATE "Execution" SET "lastSeq" = "lastSeq" + 1 WHERE id = $1::uuid RETURNING "lastSeq"),
          stored AS (INSERT INTO "ExecutionEvent" ("executionId", seq, kind, payload)
                     SELECT $1::uuid, "lastSeq", 'execution', $2::jsonb FROM bumped RETURNING id, seq)
     SELECT seq, pg_notify('${eventsChannel}', id::text) FROM stored`,
    [executionId, payload],
  );
  return row!.seq;
}
