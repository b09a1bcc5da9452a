import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { type Config, projectRoot } from '../config';
import type { Logger } from '../log';
import { PrismaClient } from './generated/client';
import { applyMigrations, type SqlRunner } from './migrate';

export type { PrismaClient };

/** The platform's PostgreSQL: embedded PGlite by default, a real server with DATABASE_URL. */
export interface Database {
  kind: 'embedded' | 'server';
  prisma: PrismaClient;
  sql: SqlRunner;
  /** Calls `onNotification` for each NOTIFY on `channel`; resolves to an unsubscribe function. */
  listen(channel: string, onNotification: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const queryEvents = (enabled: boolean) => (enabled ? { log: [{ emit: 'event' as const, level: 'query' as const }] } : {});

export const migrationsDirectory = path.join(projectRoot, 'prisma', 'migrations');

export async function openDatabase(config: Config['database'], log: Logger): Promise<Database> {
  const database = config.kind === 'embedded' ? await openEmbedded(config.directory, Boolean(config.logQueries)) : await openServer(config.url, log, Boolean(config.logQueries));
  if (config.logQueries) logQueries(database.prisma, log);
  const applied = await applyMigrations(database.sql, migrationsDirectory);
  if (applied.length > 0) log.info('applied database migrations', { migrations: applied });
  return database;
}

/** Logs each SQL statement Prisma sends (LOG_SQL=on): how tests count the queries of a request. */
function logQueries(prisma: PrismaClient, log: Logger): void {
  (prisma as unknown as { $on(event: 'query', listener: (event: { query: string; duration: number }) => void): void }).$on('query', (event) =>
    log.info('sql query', { sql: event.query, durationMs: event.duration }),
  );
}

async function openEmbedded(directory: string, logQueries: boolean): Promise<Database> {
  await mkdir(directory, { recursive: true });
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(directory);
  } catch (error) {
    throw new Error(
      `Could not open the embedded PostgreSQL in ${directory} (${(error as Error).message}). ` +
        'Is another platform process using the same DATA_DIR?',
    );
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite), ...queryEvents(logQueries) });
  return {
    kind: 'embedded',
    prisma,
    sql: {
      exec: async (text) => void (await pglite.exec(text)),
      query: async <Row>(text: string, params?: unknown[]) => (await pglite.query<Row>(text, params)).rows,
    },
    listen: (channel, onNotification) => pglite.listen(channel, onNotification),
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

async function openServer(url: string, log: Logger, logQueries: boolean): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw new Error(`Could not connect to PostgreSQL at ${redactPassword(url)}: ${(error as Error).message}`);
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }), ...queryEvents(logQueries) });
  const listeners: pg.Client[] = [];
  return {
    kind: 'server',
    prisma,
    sql: {
      exec: async (text) => void (await pool.query(text)),
      query: async <Row>(text: string, params?: unknown[]) => (await pool.query(text, params)).rows as Row[],
    },
    listen: async (channel, onNotification) => {
      const client = await connectListener(url, channel, onNotification, log);
      listeners.push(client);
      return async () => {
        listeners.splice(listeners.indexOf(client), 1);
        await client.end();
      };
    },
    close: async () => {
      await Promise.all(listeners.map((client) => client.end()));
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function connectListener(
  url: string,
  channel: string,
  onNotification: (payload: string) => void,
  log: Logger,
): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('notification', (message) => {
    if (message.channel === channel) onNotification(message.payload ?? '');
  });
  client.on('error', (error) => log.error('database listener connection failed', { channel, error }));
  await client.connect();
  await client.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
  return client;
}

function redactPassword(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
