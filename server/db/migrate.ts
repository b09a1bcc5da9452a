import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Runs plain SQL with no parameters; several statements at once are allowed. */
export interface SqlRunner {
  exec(sql: string): Promise<void>;
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/**
 * The key of the session-level advisory lock every migrator holds while it looks at and
 * applies migrations (one 64-bit number for this platform's schema; any fixed value works).
 */
export const migrationLockKey = 7_310_852_946_017_002n;

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each in its own
 * transaction, recording them in Prisma's own `_prisma_migrations` table so that
 * `prisma migrate status/deploy` on a machine with the schema engine agrees with us.
 *
 * Several processes may start together on one fresh database: each takes the advisory lock
 * first, so one applies the migrations and the others, once it is done, find them applied.
 * `sql` must run every statement on one connection (a session lock is per connection).
 */
export async function applyMigrations(sql: SqlRunner, migrationsDirectory: string): Promise<string[]> {
  await sql.query(`SELECT pg_advisory_lock(${migrationLockKey})`);
  try {
    return await applyMigrationsLocked(sql, migrationsDirectory);
  } finally {
    await sql.query(`SELECT pg_advisory_unlock(${migrationLockKey})`).catch(() => undefined);
  }
}

async function applyMigrationsLocked(sql: SqlRunner, migrationsDirectory: string): Promise<string[]> {
  await sql.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`);
  const applied = await sql.query<{ migration_name: string; checksum: string }>(
    `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const appliedChecksums = new Map(applied.map((row) => [row.migration_name, row.checksum]));
  const newlyApplied: string[] = [];
  for (const migration of await readMigrations(migrationsDirectory)) {
    const previous = appliedChecksums.get(migration.name);
    if (previous !== undefined) {
      if (previous !== migration.checksum) {
        throw new Error(`Migration ${migration.name} was changed after it was applied; add a new migration instead of editing it`);
      }
      continue;
    }
    try {
      await sql.exec(`BEGIN;\n${migration.sql}\n;INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
        VALUES ('${randomUUID()}', '${migration.checksum}', now(), '${migration.name.replaceAll("'", "''")}', 1);\nCOMMIT;`);
    } catch (error) {
      await sql.exec('ROLLBACK').catch(() => undefined);
      throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
    }
    newlyApplied.push(migration.name);
  }
  return newlyApplied;
}

export async function readMigrations(migrationsDirectory: string): Promise<Migration[]> {
  const entries = await readdir(migrationsDirectory, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(migrationsDirectory, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}
