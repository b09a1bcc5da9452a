import { mkdtemp, readFile, rm, cp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { migrationsDirectory } from './database';
import { PrismaClient } from './generated/client';
import { applyMigrations, type SqlRunner } from './migrate';

function runnerFor(pglite: PGlite): SqlRunner {
  return {
    exec: async (sql) => void (await pglite.exec(sql)),
    query: async <Row>(sql: string, params?: unknown[]) => (await pglite.query<Row>(sql, params)).rows,
  };
}

describe('SQL migrations', () => {
  let pglite: PGlite;
  beforeEach(async () => {
    pglite = await PGlite.create();
  });
  afterEach(async () => {
    await pglite.close();
  });

  it('build a database where every field of every model in schema.prisma can be written and read', async () => {
    await applyMigrations(runnerFor(pglite), migrationsDirectory);
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    const project = await prisma.project.create({ data: { name: 'p', description: 'd', code: 'x = Text', layout: 'x @layout 1 2', loomCode: 'loom' } });
    const version = await prisma.version.create({ data: { projectId: project.id, kind: 'manual', label: 'v1', code: project.code, layout: project.layout } });
    const testConfig = await prisma.testConfig.create({ data: { projectId: project.id, name: 'happy path', mocks: { x: { value: 'mocked' } } } });
    const trigger = await prisma.trigger.create({
      data: {
        projectId: project.id, nodeId: 'tick', kind: 'Cron', state: 'error', error: 'bad zone', timezone: 'Europe/Oslo',
        config: { cron: '* * * * *' }, outputs: [{ name: 'scheduledTime', type: 'String', optional: false }], versionId: version.id, activatedAt: new Date(),
      },
    });
    const execution = await prisma.execution.create({
      data: {
        testConfigId: testConfig.id,
        projectId: project.id, versionId: version.id, trigger: 'ApiPost', triggeredBy: '127.0.0.1',
        triggerPayload: { city: 'Oslo' }, status: 'failed', error: 'boom', costUsd: '0.0000001234',
        completedAt: new Date(), lastSeq: 3, invocationId: 'inv_1', triggerId: trigger.id, idempotencyKey: 'delivery-1',
      },
    });
    await prisma.nodeRun.create({
      data: {
        executionId: execution.id, nodeId: 'g.child', nodeType: 'Template', lane: [2, 0], laneKey: '2.0', status: 'skipped',
        inputs: { a: null }, output: { text: null }, error: null, details: { stdout: 'hi' }, costUsd: '0.5', startedAt: new Date(), completedAt: new Date(), seq: 2,
      },
    });
    await prisma.humanTask.create({
      data: {
        executionId: execution.id, nodeId: 'review', lane: [1], laneKey: '1', title: 'Approve?', description: 'd',
        form: { fields: [] }, state: 'answered', answer: { ok: true }, answeredBy: 'dana', answeredAt: new Date(),
      },
    });
    await prisma.executionEvent.create({ data: { executionId: execution.id, seq: 1, kind: 'execution', payload: { any: ['json'] } } });
    const token = await prisma.apiToken.create({
      data: { name: 'ci', scopes: ['read', 'answer'], secretHash: 'f'.repeat(64), lastUsedAt: new Date(), revokedAt: new Date() },
    });
    expect(await prisma.apiToken.findUniqueOrThrow({ where: { secretHash: 'f'.repeat(64) } })).toMatchObject({ id: token.id, name: 'ci', scopes: ['read', 'answer'] });

    const stored = await prisma.execution.findUniqueOrThrow({
      where: { id: execution.id },
      include: { nodeRuns: true, events: true, version: true, project: true, humanTasks: true, testConfig: true, triggerSource: { include: { version: true } } },
    });
    expect(stored.costUsd.toString()).toBe('1.234e-7');
    expect(stored.triggerPayload).toEqual({ city: 'Oslo' });
    expect(stored.nodeRuns[0]).toMatchObject({ lane: [2, 0], status: 'skipped', inputs: { a: null }, details: { stdout: 'hi' } });
    expect(stored.invocationId).toBe('inv_1');
    expect(stored.events[0]?.payload).toEqual({ any: ['json'] });
    expect(stored.version?.label).toBe('v1');
    expect(stored.project.loomCode).toBe('loom');
    expect(stored.testConfig?.mocks).toEqual({ x: { value: 'mocked' } });
    expect(stored).toMatchObject({ triggerId: trigger.id, idempotencyKey: 'delivery-1' });
    expect(stored.triggerSource).toMatchObject({ nodeId: 'tick', kind: 'Cron', state: 'error', error: 'bad zone', timezone: 'Europe/Oslo', config: { cron: '* * * * *' } });
    expect(stored.triggerSource?.outputs).toEqual([{ name: 'scheduledTime', type: 'String', optional: false }]);
    expect(stored.triggerSource?.version?.id).toBe(version.id);
    await expect(
      prisma.execution.create({ data: { projectId: project.id, triggerId: trigger.id, idempotencyKey: 'delivery-1' } }),
    ).rejects.toThrow();
    expect(await prisma.trigger.findUniqueOrThrow({ where: { projectId_nodeId: { projectId: project.id, nodeId: 'tick' } } })).toMatchObject({ id: trigger.id });
    expect(stored.humanTasks[0]).toMatchObject({ lane: [1], state: 'answered', answer: { ok: true }, answeredBy: 'dana' });

    const page = await prisma.publishedPage.create({
      data: {
        slug: 'menu-planner', projectId: project.id, versionId: version.id, name: 'p', description: 'd', code: project.code, layout: project.layout,
        loomCode: 'text "hi"', allowlist: { inputs: { x: ['value'] }, outputs: {} }, state: 'paused', runsPerMinute: 5, views: 2, publishedAt: new Date(),
      },
    });
    const pageRun = await prisma.execution.create({ data: { projectId: project.id, trigger: 'Page', pageId: page.id, configOverrides: { x: { value: 'visitor' } } } });
    expect(await prisma.execution.findUniqueOrThrow({ where: { id: pageRun.id }, include: { page: { include: { version: true } } } })).toMatchObject({
      trigger: 'Page', configOverrides: { x: { value: 'visitor' } }, page: { slug: 'menu-planner', state: 'paused', runsPerMinute: 5, allowlist: { inputs: { x: ['value'] } }, version: { id: version.id } },
    });
    const sameSlug = { slug: 'menu-planner', projectId: project.id, name: 'q', code: '', loomCode: '', allowlist: {}, runsPerMinute: 1 };
    await expect(prisma.publishedPage.create({ data: sameSlug })).rejects.toThrow(); // one page per slug
    const infra = await prisma.infraInstance.create({
      data: { projectId: project.id, nodeId: 'db', nodeType: 'PostgresDatabase', instanceId: 'wf-abc-db', state: 'stopped', schemaName: 'infra_x', startedAt: new Date(), stoppedAt: new Date() },
    });
    expect(await prisma.infraInstance.findUniqueOrThrow({ where: { projectId_nodeId: { projectId: project.id, nodeId: 'db' } } })).toMatchObject({ id: infra.id, state: 'stopped', schemaName: 'infra_x' });
    await prisma.projectCredential.create({ data: { projectId: project.id, nodeId: 'key', sealed: '[[secret:v1:x]]' } });
    expect(await prisma.projectCredential.findUniqueOrThrow({ where: { projectId_nodeId: { projectId: project.id, nodeId: 'key' } } })).toMatchObject({ sealed: '[[secret:v1:x]]' });
    await prisma.$disconnect();
  });

  it('apply each migration once and record it where `prisma migrate status` looks', async () => {
    const first = await applyMigrations(runnerFor(pglite), migrationsDirectory);
    const second = await applyMigrations(runnerFor(pglite), migrationsDirectory);
    expect(first.length).toBeGreaterThan(0);
    expect(second).toEqual([]);
    const recorded = await pglite.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name');
    expect(recorded.rows.map((row) => row.migration_name)).toEqual(first);
  });

  it('refuse to continue when an applied migration was edited afterwards', async () => {
    const copy = await mkdtemp(path.join(os.tmpdir(), 'weft-migrations-'));
    try {
      await cp(migrationsDirectory, copy, { recursive: true });
      const [firstName] = await applyMigrations(runnerFor(pglite), copy);
      const file = path.join(copy, firstName!, 'migration.sql');
      await writeFile(file, `${await readFile(file, 'utf8')}\n-- edited\n`);
      await expect(applyMigrations(runnerFor(pglite), copy)).rejects.toThrow(`Migration ${firstName} was changed after it was applied`);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
  it('keep large JSON values of node runs and events uncompressed on the embedded database, where compressing runs on the event loop', async () => {
    await applyMigrations(runnerFor(pglite), migrationsDirectory);
    const columns = await pglite.query<{ name: string; storage: string }>(`
      SELECT attrelid::regclass::text || '.' || attname AS name, attstorage AS storage FROM pg_attribute
      WHERE attrelid IN ('"NodeRun"'::regclass, '"ExecutionEvent"'::regclass) AND atttypid = 'jsonb'::regtype ORDER BY 1`);
    expect(columns.rows).toEqual(['"ExecutionEvent".payload', '"NodeRun".details', '"NodeRun".inputs', '"NodeRun".output'].map((name) => ({ name, storage: 'e' })));
  });
});
