import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { graphqlData } from './graphql';
import { webSocketSubscriber } from './subscriptions';

/** examples/ in the repository: the example programs the platform must run. */
export const examplesDirectory = new URL('../../examples/', import.meta.url);
export const examplesPath = fileURLToPath(examplesDirectory);

export async function readExample(name: string): Promise<string> {
  return readFile(new URL(`${name}.weft`, examplesDirectory), 'utf8');
}

export async function createProject(graphqlUrl: string, name: string, code: string): Promise<string> {
  const { createProject } = await graphqlData(graphqlUrl, `mutation ($name: String!, $code: String!) { createProject(name: $name, code: $code) { ... on Project { id } } }`, { name, code });
  return createProject.id;
}

export async function runProject(graphqlUrl: string, projectId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { runProject } = await graphqlData(graphqlUrl, `mutation ($id: ID!, $inputs: JSON, $testConfigId: ID) {
    runProject(projectId: $id, inputs: $inputs, testConfigId: $testConfigId) { ... on Execution { id } } }`, { id: projectId, ...extra });
  return runProject.id;
}

/** Follows executionEvents until the execution reaches one of `statuses`; resolves to its final snapshot. */
export async function waitForStatus(graphqlUrl: string, executionId: string, statuses: string[], timeoutMs = 60_000) {
  const subscriber = webSocketSubscriber(graphqlUrl);
  try {
    const events = subscriber.subscribe<{ executionEvents: { execution: { status: string } } }>(
      `subscription ($id: ID!) { executionEvents(executionId: $id) { seq execution { status } } }`,
      { id: executionId },
    );
    await events.until((received) => received.some((e) => statuses.includes(e.executionEvents.execution.status)), timeoutMs);
    events.stop();
  } finally {
    await subscriber.close();
  }
  return executionDetails(graphqlUrl, executionId);
}

/** Resolves once a node run of `nodeId` has reached `status` (as its events say). */
export async function waitForNode(graphqlUrl: string, executionId: string, nodeId: string, status: string, timeoutMs = 60_000) {
  const subscriber = webSocketSubscriber(graphqlUrl);
  try {
    const events = subscriber.subscribe<{ executionEvents: { nodeRun: { nodeId: string; status: string } | null } }>(
      `subscription ($id: ID!) { executionEvents(executionId: $id) { seq nodeRun { nodeId status } } }`,
      { id: executionId },
    );
    await events.until((received) => received.some((e) => e.executionEvents.nodeRun?.nodeId === nodeId && e.executionEvents.nodeRun.status === status), timeoutMs);
    events.stop();
  } finally {
    await subscriber.close();
  }
}

export interface NodeRunView {
  nodeId: string;
  lane: number[];
  status: string;
  inputs: unknown;
  output: any;
  error: string | null;
  details: any;
  startedAt: string | null;
}

export async function executionDetails(graphqlUrl: string, executionId: string) {
  const { execution } = await graphqlData(graphqlUrl, `query ($id: ID!) {
    execution(id: $id) {
      id status error costUsd lastSeq
      nodeRuns { nodeId lane status inputs output error details startedAt }
      openTasks { id nodeId lane form }
    } }`, { id: executionId });
  const runs = execution.nodeRuns as NodeRunView[];
  return {
    ...execution,
    runs,
    node: (nodeId: string, lane: number[] = []) => runs.find((run) => run.nodeId === nodeId && run.lane.join('.') === lane.join('.')),
  } as {
    id: string;
    status: string;
    error: string | null;
    costUsd: string;
    lastSeq: number;
    openTasks: { id: string; nodeId: string; lane: number[]; form: any }[];
    runs: NodeRunView[];
    node: (nodeId: string, lane?: number[]) => NodeRunView | undefined;
  };
}
