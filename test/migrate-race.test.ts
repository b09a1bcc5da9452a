import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { migrationsDirectory } from '../server/db/database';
import { applyMigrations, readMigrations } from '../server/db/migrate';
import { createTestDatabase, type TestDatabase } from './support/platform';

/*
 * Several server processes started together on one fresh PostgreSQL database each apply the
 * migrations at start: they must not race (two CREATE TABLEs of the same name, a migration
 * applied twice). Each migrator here is a connection of its own, as each process would have.
 */

const withServer = process.env.DATABASE_URL ? describe : describe.skip;
if (!process.env.DATABASE_URL) {
  console.log('migrate-race.test.ts skipped: the race is between connections to one PostgreSQL server; set DATABASE_URL (CI does)');
}

const migrators = 8;

withServer('migrations started together on one fresh database', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it(`${migrators} migrators at once: all succeed, each migration is applied once`, async () => {
    const clients = Array.from({ length: migrators }, () => new pg.Client({ connectionString: database.url }));
    await Promise.all(clients.map((client) => client.connect()));
    try {
      const results = await Promise.allSettled(
        clients.map((client) =>
          applyMigrations(
            {
              exec: async (text) => void (await client.query(text)),
              query: async <Row>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as Row[],
            },
            migrationsDirectory,
          ),
        ),
      );
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
      expect(failures).toEqual([]);
      const names = (await readMigrations(migrationsDirectory)).map((migration) => migration.name);
      const applied = results.map((result) => (result.status === 'fulfilled' ? result.value : []));
      expect(applied.filter((list) => list.length > 0)).toEqual([names]);

      const { rows } = await clients[0]!.query<{ migration_name: string; count: string }>(
        `SELECT migration_name, count(*) FROM "_prisma_migrations" GROUP BY migration_name ORDER BY migration_name`,
      );
      expect(rows.map((row) => [row.migration_name, Number(row.count)])).toEqual(names.map((name) => [name, 1]));
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });
});
