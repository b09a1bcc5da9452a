import net from 'node:net';
import { afterAll, describe, expect, it } from '@jest/globals';
import { execa } from 'execa';
import getPort from 'get-port';
import { graphqlData } from './support/graphql';
import { createTestDatabase, embeddedRestateUrls, makeDataDir, removeDataDir, startPlatform } from './support/platform';

async function startExpectingFailure(env: Record<string, string>): Promise<{ exitCode?: number; output: string }> {
  const dataDir = await makeDataDir();
  try {
    const result = await execa('node', ['--import', 'tsx', 'server/main.ts'], {
      env: { DATA_DIR: dataDir, PORT: String(await getPort()), ...env },
      reject: false,
      all: true,
      timeout: 60_000,
    });
    return { exitCode: result.exitCode, output: result.all ?? '' };
  } finally {
    await removeDataDir(dataDir);
  }
}

describe('starting the platform', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }, 60_000);

  it('says plainly when the HTTP port is taken', async () => {
    const blocker = net.createServer();
    const port = await getPort({ host: '127.0.0.1' });
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const { exitCode, output } = await startExpectingFailure({ PORT: String(port) });
      expect(exitCode).toBe(1);
      expect(output).toContain(`Port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  }, 90_000);

  it('says plainly when the restate-server binary is missing', async () => {
    const { exitCode, output } = await startExpectingFailure({ RESTATE_SERVER_BINARY: '/nonexistent/restate-server' });
    expect(exitCode).toBe(1);
    expect(output).toContain('The restate-server binary /nonexistent/restate-server does not exist');
  }, 90_000);

  it('names each invalid setting instead of starting', async () => {
    const { exitCode, output } = await startExpectingFailure({ RESTATE_INGRESS_URL: 'http://127.0.0.1:1' });
    expect(exitCode).toBe(1);
    expect(output).toContain('Set both RESTATE_INGRESS_URL and RESTATE_ADMIN_URL');
  }, 30_000);

  it('uses an existing Restate when its URLs are given, and reports 503 on /health when it goes away', async () => {
    const database = await createTestDatabase();
    const ownRestateDir = await makeDataDir();
    const dataDir = await makeDataDir();
    cleanups.push(() => database.drop(), () => removeDataDir(ownRestateDir), () => removeDataDir(dataDir));

    // A Restate the platform did not start: the embedded one of another platform instance.
    const restateHost = await startPlatform({ dataDir: ownRestateDir });
    cleanups.push(() => restateHost.stop());
    const { ingressUrl, adminUrl } = await embeddedRestateUrls(ownRestateDir);

    const platform = await startPlatform({
      dataDir,
      databaseUrl: database.url,
      env: { RESTATE_INGRESS_URL: ingressUrl, RESTATE_ADMIN_URL: adminUrl },
    });
    cleanups.push(() => platform.stop());
    expect(platform.output()).not.toContain('restate-server started');

    const { createProject } = await graphqlData(platform.graphqlUrl, `mutation { createProject(name: "ext", code: "v = Number { value: 7 }") { ... on Project { id } } }`);
    const { runProject } = await graphqlData(platform.graphqlUrl, `mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } } }`, { id: createProject.id });
    let status = '';
    for (let attempt = 0; attempt < 100 && status !== 'completed'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await graphqlData(platform.graphqlUrl, `query ($id: ID!) { execution(id: $id) { status } }`, { id: runProject.id })).execution.status;
    }
    expect(status).toBe('completed');

    await restateHost.stop();
    const response = await fetch(`${platform.url}/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: 'unavailable',
      database: { ok: true },
      restate: { ok: false, error: expect.stringContaining(`ingress ${ingressUrl} does not answer`) },
    });
  }, 180_000);
});
