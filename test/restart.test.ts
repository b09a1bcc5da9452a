import { afterAll, describe, expect, it } from '@jest/globals';
import { graphqlData } from './support/graphql';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform } from './support/platform';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('stopping and starting again', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }, 60_000);

  it('stops restate-server with the platform on SIGTERM and keeps the data for the next start', async () => {
    const database = await createTestDatabase();
    const dataDir = await makeDataDir();
    cleanups.push(() => database.drop(), () => removeDataDir(dataDir));

    const first = await startPlatform({ dataDir, databaseUrl: database.url });
    cleanups.push(() => first.stop());
    const restatePid = Number(first.output().match(/"msg":"restate-server started"[^\n]*"pid":(\d+)/)?.[1]);
    const { createProject } = await graphqlData(first.graphqlUrl, `mutation { createProject(name: "Kept", code: "") { ... on Project { id } } }`);
    expect(isRunning(restatePid)).toBe(true);

    await first.stop();
    expect(first.process.exitCode).toBe(0);
    expect(isRunning(restatePid)).toBe(false);

    const second = await startPlatform({ dataDir, databaseUrl: database.url });
    cleanups.push(() => second.stop());
    const { project } = await graphqlData(second.graphqlUrl, `query ($id: ID!) { project(id: $id) { name } }`, { id: createProject.id });
    expect(project).toEqual({ name: 'Kept' });
  }, 180_000);
});
