import type { Logger } from '../log';

/**
 * Plain parameterised SQL on the connections the Prisma client of a database uses (the pg pool
 * on a server, the PGlite instance embedded), for the hot paths of every run (the executor's
 * records, a run's start, a subscriber's first reads): one statement instead of an interactive
 * ORM transaction, and no ORM work on the rows. On PGlite a statement waits for a Prisma transaction that is
 * under way (PGlite runs one at a time), so it never lands inside one.
 */
export interface RecordSql {
  query<Row>(text: string, params: unknown[]): Promise<Row[]>;
}

const runners = new WeakMap<object, RecordSql>();

export function setRecordSql(prisma: object, runner: RecordSql): void {
  runners.set(prisma, runner);
}

/** The runner of a client opened by openDatabase; for any other client, its own raw queries. */
export function recordSqlOf(prisma: object): RecordSql {
  const runner = runners.get(prisma);
  if (runner) return runner;
  const raw = prisma as { $queryRawUnsafe<Row>(text: string, ...params: unknown[]): Promise<Row[]> };
  return { query: (text, params) => raw.$queryRawUnsafe(text, ...params) };
}

/** With LOG_SQL=on each statement is logged ("sql record", apart from Prisma's "sql query" lines). */
export function loggedRecordSql(runner: RecordSql, log: Logger | undefined): RecordSql {
  if (!log) return runner;
  return {
    query: async <Row>(text: string, params: unknown[]) => {
      const began = performance.now();
      const rows = await runner.query<Row>(text, params);
      log.info('sql record', { sql: text, rows: rows as unknown, durationMs: Math.round((performance.now() - began) * 1000) / 1000 });
      return rows;
    },
  };
}
