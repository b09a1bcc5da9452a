/** Builds the context the executor hands a node, for tests. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from '@jest/globals';
import { NodeFailure, type ConfigRecord, type NodeRunContext } from './definition';
import type { JsonValue } from '../weft/types';
import { defaultNodeSettings } from './settings';

export interface TestRun {
  inputs?: Record<string, JsonValue>;
  config?: ConfigRecord;
  /** Output port names; `name?` marks one optional. */
  outputs?: string[];
  settings?: Partial<NodeRunContext['settings']>;
  signal?: AbortSignal;
}

export function runContext(run: TestRun = {}): NodeRunContext {
  return {
    nodeId: 'node',
    inputs: run.inputs ?? {},
    config: run.config ?? {},
    outputs: (run.outputs ?? []).map((name) => ({ name: name.replace(/\?$/, ''), type: 'JsonDict', optional: name.endsWith('?') })),
    settings: { ...defaultNodeSettings, ...run.settings },
    signal: run.signal ?? new AbortController().signal,
  };
}

export interface LocalServer {
  url: string;
  /** The node:http server itself (e.g. to act on raw connections). */
  server: Server;
  close: () => Promise<void>;
}

/** A real HTTP server on 127.0.0.1 and a free port, for nodes that call one. */
export async function startLocalServer(handle: (request: IncomingMessage, body: string, response: ServerResponse) => void): Promise<LocalServer> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, Buffer.concat(chunks).toString('utf8'), response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The NodeFailure a run ends with (the test fails if it succeeds or throws something else). */
export async function failureOf(run: Promise<unknown>): Promise<NodeFailure> {
  const error = await run.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(NodeFailure);
  return error as NodeFailure;
}
