import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { type Config, projectRoot } from '../config';
import type { Logger } from '../log';
import { copyTemplateInto } from './embeddedTemplate';
import { PrismaClient } from './generated/client';
import { applyMigrations, type SqlRunner } from './migrate';
import { loggedRecordSql, type RecordSql, setRecordSql } from './recordSql';
import { setTransactionGate, TransactionGate } from './transactions';

export type { PrismaClient };

/** The platform's PostgreSQL: embedded PGlite by default, a real server with DATABASE_URL. */
export interface Database {
  kind: 'embedded' | 'server';
  prisma: PrismaClient;
  sql: SqlRunner;
  /**
   * Calls `onNotification` for each NOTIFY on `channel`; resolves to an unsubscribe function.
   * On a server, a lost listening connection is opened again (with backoff) and `onReconnect`
   * is called: notifications sent in between are lost, so the caller catches up from storage.
   */
  listen(channel: string, onNotification: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const queryEvents = (enabled: boolean) => (enabled ? { log: [{ emit: 'event' as const, level: 'query' as const }] } : {});

export const migrationsDirectory = path.join(projectRoot, 'prisma', 'migrations');

/** Connections of the pool Prisma uses on a PostgreSQL server, when the config does not say (DATABASE_POOL_SIZE). */
export const defaultPoolSize = 10;
/** Connections of that pool that record transactions leave to everything else (API reads and mutations). */
const connectionsKeptForOthers = 2;
/**
 * Prisma's limits of an interactive transaction. Record transactions are admitted only when a
 * connection is free (server/db/transactions.ts), so these are a backstop, not a queue.
 */
const transactionOptions = { maxWait: 10_000, timeout: 15_000 };

export async function openDatabase(config: Config['database'], log: Logger): Promise<Database> {
  const database =
    config.kind === 'embedded'
      ? await openEmbedded(config.directory, Boolean(config.logQueries), log)
      : await openServer(config.url, log, Boolean(config.logQueries), config.poolSize ?? defaultPoolSize);
  if (config.logQueries) logQueries(database.prisma, log);
  const applied = await migrate(database, config);
  if (applied.length > 0) log.info('applied database migrations', { migrations: applied });
  return database;
}

/** Migrations on one connection of their own (on a server), so that their advisory lock holds for all of them. */
async function migrate(database: Database, config: Config['database']): Promise<string[]> {
  if (config.kind === 'embedded') return applyMigrations(database.sql, migrationsDirectory);
  const client = new pg.Client({ connectionString: config.url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await applyMigrations(
      {
        exec: async (text) => void (await client.query(text)),
        query: async <Row>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as Row[],
      },
      migrationsDirectory,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Logs each SQL statement Prisma sends (LOG_SQL=on): how tests count the queries of a request. */
function logQueries(prisma: PrismaClient, log: Logger): void {
  (prisma as unknown as { $on(event: 'query', listener: (event: { query: string; duration: number }) => void): void }).$on('query', (event) =>
    log.info('sql query', { sql: event.query, durationMs: event.duration }),
  );
}

async function openEmbedded(directory: string, logQueries: boolean, log: Logger): Promise<Database> {
  await mkdir(directory, { recursive: true });
  // A new database is a copy of an empty one made once (seconds of initdb saved); an existing one opens as it is.
  await copyTemplateInto(directory);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(directory);
  } catch (error) {
    throw new Error(
      `Could not open the embedded PostgreSQL in ${directory} (${(error as Error).message}). ` +
        'Is another platform process using the same DATA_DIR?',
    );
  }
  // PGlite is one connection: its adapter queues transactions itself, so only a long queue could time out.
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite), transactionOptions, ...queryEvents(logQueries) });
  setTransactionGate(prisma, new TransactionGate(1));
  const sql: Database['sql'] = {
    exec: async (text) => void (await pglite.exec(text)),
    query: async <Row>(text: string, params?: unknown[]) => (await pglite.query<Row>(text, params)).rows,
  };
  // PGlite is one connection: the record statement goes the way every other statement does.
  setRecordSql(prisma, loggedRecordSql(sql, logQueries ? log : undefined));
  return {
    kind: 'embedded',
    prisma,
    sql,
    listen: (channel, onNotification) => pglite.listen(channel, onNotification),
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

/**
 * How long the pool keeps a connection no one uses (pg's default: 10 s). A new connection compiles
 * the record function on its first call (tens of milliseconds), which a run after a pause would pay.
 */
const keepIdleConnectionMs = 5 * 60_000;

async function openServer(url: string, log: Logger, logQueries: boolean, poolSize: number): Promise<Database> {
  // Health probes and plain SQL: a small pool of their own, so that a busy Prisma pool never makes /health fail.
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // An idle connection that the server closes (a restart, a failover) must not crash the process.
  pool.on('error', (error) => log.warn('an idle database connection failed; the pool opens another', { error }));
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw new Error(`Could not connect to PostgreSQL at ${redactPassword(url)}: ${(error as Error).message}`);
  }
  const prismaPool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: keepIdleConnectionMs });
  prismaPool.on('error', (error) => log.warn('an idle database connection failed; the pool opens another', { error }));
  const prisma = new PrismaClient({ adapter: new PrismaPg(prismaPool), transactionOptions, ...queryEvents(logQueries) });
  setTransactionGate(prisma, new TransactionGate(Math.max(1, poolSize - connectionsKeptForOthers)));
  setRecordSql(prisma, loggedRecordSql(preparedStatements(prismaPool), logQueries ? log : undefined));
  const listener = new ReconnectingListener(url, log);
  return {
    kind: 'server',
    prisma,
    sql: {
      exec: async (text) => void (await pool.query(text)),
      query: async <Row>(text: string, params?: unknown[]) => (await pool.query(text, params)).rows as Row[],
    },
    listen: (channel, onNotification, onReconnect) => listener.listen(channel, { onNotification, onReconnect: onReconnect ?? (() => undefined) }),
    close: async () => {
      await listener.close();
      await prisma.$disconnect();
      await prismaPool.end();
      await pool.end();
    },
  };
}

/**
 * The record statements as named prepared statements, each parsed and planned once per
 * connection rather than on every call: they run on every run's path, and their texts are fixed
 * (a name per distinct text; a text built per call would fill every connection with statements).
 */
function preparedStatements(pool: pg.Pool): RecordSql {
  const names = new Map<string, string>();
  return {
    query: async <Row>(text: string, values: unknown[]) => {
      let name = names.get(text);
      if (!name) names.set(text, (name = `weft_record_${names.size + 1}`));
      return (await pool.query({ name, text, values })).rows as Row[];
    },
  };
}

interface ChannelListener {
  onNotification(payload: string): void;
  onReconnect(): void;
}

const listenStatement = (verb: 'LISTEN' | 'UNLISTEN', channel: string) => `${verb} "${channel.replaceAll('"', '""')}"`;

/**
 * One LISTEN connection for every channel, which comes back after PostgreSQL restarts or drops
 * it. One, because PostgreSQL wakes every listening connection of a database for each NOTIFY,
 * whatever its channels: a connection per channel read every run's events once per channel.
 */
class ReconnectingListener {
  private client: pg.Client | undefined;
  private connected: Promise<void> | undefined;
  /** The channels LISTENed on the current connection. */
  private listening = new Set<string>();
  private readonly channels = new Map<string, Set<ChannelListener>>();
  private closed = false;
  private retryDelayMs = listenerRetry.initialMs;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  /** Rejects when the first connection cannot be opened; resolves to the function that stops this listener. */
  async listen(channel: string, listener: ChannelListener): Promise<() => Promise<void>> {
    const listeners = this.channels.get(channel) ?? new Set<ChannelListener>();
    this.channels.set(channel, listeners);
    listeners.add(listener);
    this.connected ??= this.connect().catch(async (error: unknown) => {
      const failed = this.client;
      this.client = undefined;
      this.connected = undefined;
      // Lost while it was set up: no reconnect of a connection that never was (the next listen opens one).
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      await failed?.end().catch(() => undefined);
      throw error;
    });
    try {
      await this.connected;
    } catch (error) {
      this.stop(channel, listener);
      throw error;
    }
    // Opened before this channel was added: it is LISTENed now (a connection opened since has it already).
    const client = this.client;
    if (client && !this.listening.has(channel)) {
      this.listening.add(channel);
      try {
        await client.query(listenStatement('LISTEN', channel));
      } catch (error) {
        // Lost meanwhile: the reconnect LISTENs every channel, this one too.
        if (client === this.client) {
          this.stop(channel, listener);
          throw error;
        }
      }
    }
    return async () => {
      if (this.stop(channel, listener)) await this.client?.query(listenStatement('UNLISTEN', channel)).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.client?.end().catch(() => undefined);
  }

  /** True when no one listens on the channel any more. */
  private stop(channel: string, listener: ChannelListener): boolean {
    const listeners = this.channels.get(channel);
    if (!listeners?.delete(listener) || listeners.size > 0) return false;
    this.channels.delete(channel);
    this.listening.delete(channel);
    return true;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => {
      for (const listener of this.channels.get(message.channel) ?? []) listener.onNotification(message.payload ?? '');
    });
    client.on('error', (error) => this.log.warn('database listener connection failed', { error }));
    client.on('end', () => this.lost(client));
    this.client = client;
    this.listening = new Set();
    await client.connect();
    // A channel added while this runs is in the map by the time the loop reaches it.
    for (const channel of this.channels.keys()) {
      this.listening.add(channel);
      await client.query(listenStatement('LISTEN', channel));
    }
  }

  private lost(client: pg.Client): void {
    if (this.closed || client !== this.client) return;
    this.client = undefined;
    this.log.warn('database listener connection lost; reconnecting', { channels: [...this.channels.keys()], retryInMs: this.retryDelayMs });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.reconnect();
    }, this.retryDelayMs);
  }

  private async reconnect(): Promise<void> {
    if (this.closed) return;
    try {
      await this.connect();
    } catch {
      const failed = this.client;
      this.client = undefined;
      await failed?.end().catch(() => undefined);
      if (this.closed) return;
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, listenerRetry.maxMs);
      this.scheduleReconnect();
      return;
    }
    this.retryDelayMs = listenerRetry.initialMs;
    this.log.info('database listener reconnected', { channels: [...this.channels.keys()] });
    // Notifications sent while it was away are lost: every listener catches up from storage.
    for (const listeners of [...this.channels.values()]) for (const listener of [...listeners]) listener.onReconnect();
  }
}

const listenerRetry = { initialMs: 100, maxMs: 5_000 };

function redactPassword(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
