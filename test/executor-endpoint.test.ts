import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import http2 from 'node:http2';
import path from 'node:path';
import { createProject, runProject, waitForStatus } from './support/executions';
import { usePlatform } from './support/usePlatform';

/** Addresses (hex, as /proc/net/tcp writes them) of the sockets listening on `port`. */
async function listeningAddresses(port: number): Promise<string[]> {
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A') continue;
      const [address, portHex] = local.split(':');
      if (parseInt(portHex!, 16) === port) found.push(address!);
    }
  }
  return found;
}

/** One HTTP/2 request straight to the executor endpoint, as anything on the network could send it. */
async function callDirectly(port: number, headers: http2.OutgoingHttpHeaders, body?: string): Promise<number> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  try {
    return await new Promise<number>((resolve, reject) => {
      session.once('error', reject);
      const request = session.request(headers);
      request.once('response', (answer) => resolve(Number(answer[':status'])));
      request.once('error', reject);
      request.resume();
      request.end(body);
    });
  } finally {
    session.close();
  }
}

describe("the executor's Restate endpoint", () => {
  // The server listens on every interface; the executor endpoint must not.
  const platform = usePlatform({ env: { HOST: '0.0.0.0', AUTH: 'off' } });
  const executorPort = async () => (JSON.parse(await readFile(path.join(platform.current.dataDir, 'ports.json'), 'utf8')) as { executor: number }).executor;

  it('listens on loopback only, even when the server listens on every interface', async () => {
    expect(await listeningAddresses(Number(new URL(platform.current.url).port))).toContain('00000000');
    expect(await listeningAddresses(await executorPort())).toEqual(['0100007F']);
  });

  it('refuses requests that Restate did not sign, while runs go on', async () => {
    const port = await executorPort();
    const discover = await callDirectly(port, { ':method': 'GET', ':path': '/discover', accept: 'application/vnd.restate.endpointmanifest.v3+json' });
    expect(discover).toBe(401);
    const invoke = await callDirectly(
      port,
      { ':method': 'POST', ':path': '/invoke/Execution/run', 'content-type': 'application/vnd.restate.invocation.v5' },
      'not a journal',
    );
    expect(invoke).toBe(401);
    const forged = await callDirectly(port, {
      ':method': 'GET',
      ':path': '/discover',
      'x-restate-signature-scheme': 'v1',
      'x-restate-jwt-v1': 'eyJhbGciOiJFZERTQSJ9.eyJhdWQiOiJ4In0.AAAA',
    });
    expect(forged).toBe(401);

    const { graphqlUrl } = platform.current;
    const projectId = await createProject(graphqlUrl, 'signed', 'greeting = Text {\n  label: "Greeting"\n  value: "hello"\n}\n');
    const execution = await waitForStatus(graphqlUrl, await runProject(graphqlUrl, projectId), ['completed', 'failed']);
    expect(execution.status).toBe('completed');
  }, 90_000);
});
