/**
 * The weft commands that talk to a running platform over its GraphQL API:
 *   run PROJECT_ID_OR_FILE   starts a run (a file is imported first) and follows it
 *   watch EXECUTION_ID       follows a run until it ends
 *   import FILE|DIR          creates projects from .weft or .json export files
 *   export PROJECT_ID        prints a project as a JSON export (credentials stripped)
 * A run is followed over graphql-ws: every node event is printed, with a live progress line
 * on a terminal; the exit code is the final status (0 completed, 1 failed, 2 cancelled).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Rewrites the live progress line (terminals only); absent when output is piped. */
  progress?: (text: string) => void;
}

export interface RemoteOptions {
  url: string;
  token?: string;
  inputs?: unknown;
}

export const exitCodes: Record<string, number> = { completed: 0, failed: 1, cancelled: 2 };
const finalStatuses = Object.keys(exitCodes);
const importable = ['.weft', '.json'];

class CommandFailure extends Error {}

/** A GraphQL client for one platform: queries and mutations over HTTP, subscriptions over graphql-ws. */
class Platform {
  constructor(private readonly options: RemoteOptions) {}

  get graphqlUrl(): string {
    return `${this.options.url.replace(/\/+$/, '')}/graphql`;
  }

  async request<Data = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<Data> {
    let response: Response;
    try {
      response = await fetch(this.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.authorization() },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw new CommandFailure(`Cannot reach the platform at ${this.options.url} (${(error as Error).message}); is it running? (--url or WEFT_URL)`);
    }
    const body = (await response.json().catch(() => ({}))) as { data?: Data; errors?: { message: string }[] };
    if (body.errors?.length || !body.data) {
      throw new CommandFailure(body.errors?.map((error) => error.message).join('; ') ?? `HTTP ${response.status}`);
    }
    return body.data;
  }

  subscribe<T>(query: string, variables: Record<string, unknown>, onData: (data: T) => boolean): Promise<void> {
    const client = createClient({
      url: this.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: this.options.token ? { authorization: `Bearer ${this.options.token}` } : undefined,
      retryAttempts: 5,
    });
    return new Promise<void>((resolve, reject) => {
      const unsubscribe = client.subscribe<T>({ query, variables }, {
        next: (result) => {
          if (result.errors?.length) return fail(new CommandFailure(result.errors.map((error) => error.message).join('; ')));
          if (result.data && onData(result.data)) finish();
        },
        error: (error) => fail(new CommandFailure(`The event stream broke: ${error instanceof Error ? error.message : JSON.stringify(error)}`)),
        complete: () => finish(),
      });
      const finish = () => {
        unsubscribe();
        void client.dispose();
        resolve();
      };
      const fail = (error: Error) => {
        unsubscribe();
        void client.dispose();
        reject(error);
      };
    });
  }

  private authorization(): Record<string, string> {
    return this.options.token ? { authorization: `Bearer ${this.options.token}` } : {};
  }
}

/** Answers a mutation's typed result: the object, or a CommandFailure with the problem's message. */
function resultOf<T extends { __typename: string }>(result: T & { message?: string }, expected: string): T {
  if (result.__typename !== expected) throw new CommandFailure(`${result.__typename}: ${result.message ?? ''}`);
  return result;
}

async function importFile(platform: Platform, file: string): Promise<{ id: string; name: string }> {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CommandFailure(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const { importProject } = await platform.request(
    `mutation ($content: String!, $fileName: String) { importProject(content: $content, fileName: $fileName) {
      __typename ... on Project { id name } ... on Problem { message } } }`,
    { content, fileName: path.basename(file) },
  );
  return resultOf(importProject, 'Project');
}

function filesToImport(target: string): string[] {
  const stats = statSync(target, { throwIfNoEntry: false });
  if (!stats) throw new CommandFailure(`${target}: no such file or folder`);
  if (stats.isFile()) return [target];
  return readdirSync(target)
    .filter((name) => importable.includes(path.extname(name)))
    .sort()
    .map((name) => path.join(target, name));
}

export async function importCommand(target: string, options: RemoteOptions, io: Output): Promise<number> {
  return guarded(io, async () => {
    const platform = new Platform(options);
    const files = filesToImport(target);
    if (files.length === 0) throw new CommandFailure(`${target}: no .weft or .json file to import`);
    let failed = false;
    for (const file of files) {
      try {
        const project = await importFile(platform, file);
        io.out(`${file}: imported as project ${project.id} (${project.name})`);
      } catch (error) {
        if (!(error instanceof CommandFailure)) throw error;
        io.err(`${file}: not imported: ${error.message}`);
        failed = true;
      }
    }
    return failed ? 1 : 0;
  });
}

/** Prints a project as the reference's JSON export (credentials stripped), to save as a .json file. */
export async function exportCommand(projectId: string, options: RemoteOptions, io: Output): Promise<number> {
  return guarded(io, async () => {
    const platform = new Platform(options);
    const { exportProject } = await platform.request(
      `query ($id: ID!) { exportProject(id: $id) {
        __typename ... on ProjectExport { name description weftCode layoutCode loomCode } ... on Problem { message } } }`,
      { id: projectId },
    );
    const { __typename: _typename, ...exported } = resultOf(exportProject, 'ProjectExport');
    io.out(JSON.stringify(exported, null, 2));
    return 0;
  });
}

export async function runCommand(target: string, options: RemoteOptions, io: Output): Promise<number> {
  return guarded(io, async () => {
    const platform = new Platform(options);
    const projectId = statSync(target, { throwIfNoEntry: false })?.isFile() ? await importedProjectId(platform, target, io) : target;
    const { runProject } = await platform.request(
      `mutation ($projectId: ID!, $inputs: JSON) { runProject(projectId: $projectId, inputs: $inputs) {
        __typename ... on Execution { id } ... on Problem { message } } }`,
      { projectId, inputs: options.inputs ?? null },
    );
    const execution = resultOf(runProject, 'Execution');
    io.out(`execution ${execution.id} started`);
    return follow(platform, execution.id, io);
  });
}

export async function watchCommand(executionId: string, options: RemoteOptions, io: Output): Promise<number> {
  return guarded(io, async () => {
    const platform = new Platform(options);
    // Over HTTP first: an unknown id or an unreachable platform is told at once, not after reconnects.
    const { execution } = await platform.request(`query ($id: ID!) { execution(id: $id) { id } }`, { id: executionId });
    if (!execution) throw new CommandFailure(`Execution ${executionId} does not exist`);
    return follow(platform, executionId, io);
  });
}

async function importedProjectId(platform: Platform, file: string, io: Output): Promise<string> {
  const project = await importFile(platform, file);
  io.out(`${file}: imported as project ${project.id} (${project.name})`);
  return project.id;
}

interface ExecutionEvent {
  seq: number;
  kind: string;
  execution: { status: string; error: string | null };
  nodeRun: { nodeId: string; lane: number[]; status: string; error: string | null } | null;
}

const symbols: Record<string, string> = {
  running: '▶', completed: '✓', failed: '✗', skipped: '–', waiting_for_input: '?', cancelled: '■', pending: '·',
};

/** Prints the execution's events (stored ones first, then live) until it ends; answers its exit code. */
async function follow(platform: Platform, executionId: string, io: Output): Promise<number> {
  const startedAt = Date.now();
  const nodes = new Map<string, string>();
  let status = 'pending';
  let lastSeq = 0;
  let error: string | null = null;
  await platform.subscribe<{ executionEvents: ExecutionEvent }>(
    `subscription ($id: ID!) { executionEvents(executionId: $id, afterSeq: 0) {
      seq kind execution { status error } nodeRun { nodeId lane status error } } }`,
    { id: executionId },
    ({ executionEvents: event }) => {
      // After a reconnect the stream starts over: what was printed is not printed again.
      if (event.seq <= lastSeq) return false;
      lastSeq = event.seq;
      if (event.nodeRun) {
        const run = event.nodeRun;
        const name = run.lane.length > 0 ? `${run.nodeId}[${run.lane.join('.')}]` : run.nodeId;
        nodes.set(name, run.status);
        if (run.status !== 'pending') io.out(`  ${symbols[run.status] ?? ' '} ${name} ${run.status.replaceAll('_', ' ')}${run.error ? `: ${run.error}` : ''}`);
      }
      status = event.execution.status;
      error = event.execution.error;
      io.progress?.(progressLine(status, nodes, startedAt));
      return finalStatuses.includes(status);
    },
  );
  io.progress?.('');
  if (!finalStatuses.includes(status)) throw new CommandFailure(`The event stream ended while the execution was ${status}`);
  io.out(`execution ${executionId} ${status}${error && status !== 'completed' ? `: ${error}` : ''}`);
  return exitCodes[status]!;
}

function progressLine(status: string, nodes: Map<string, string>, startedAt: number): string {
  const counts = new Map<string, number>();
  for (const nodeStatus of nodes.values()) counts.set(nodeStatus, (counts.get(nodeStatus) ?? 0) + 1);
  const parts = [...counts].map(([nodeStatus, count]) => `${count} ${nodeStatus.replaceAll('_', ' ')}`);
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  return `${status.replaceAll('_', ' ')} · ${parts.join(' · ') || 'no node yet'} · ${seconds}s`;
}

async function guarded(io: Output, command: () => Promise<number>): Promise<number> {
  try {
    return await command();
  } catch (error) {
    if (!(error instanceof CommandFailure)) throw error;
    io.progress?.('');
    io.err(`error: ${error.message}`);
    return 3;
  }
}
