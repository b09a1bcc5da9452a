import { graphqlData } from './graphql';

export interface TriggerView {
  id: string;
  nodeId: string;
  kind: string;
  state: string;
  error: string | null;
  cron: string | null;
  timezone: string | null;
  webhookPath: string | null;
  form: any;
}

export interface TriggeredRun {
  id: string;
  trigger: string;
  triggerId: string | null;
  triggeredBy: string | null;
  status: string;
  nodeRuns: { nodeId: string; status: string; output: any }[];
}

const triggerFields = 'id nodeId kind state error cron timezone webhookPath form';

/** activateTriggers, answering the project's triggers or the typed problem. */
export async function activateTriggers(graphqlUrl: string, projectId: string): Promise<{ triggers?: TriggerView[]; problem?: { code: string; message: string } }> {
  const { activateTriggers: result } = await graphqlData(graphqlUrl, `mutation ($id: ID!) { activateTriggers(projectId: $id) {
      __typename ... on Project { triggers { ${triggerFields} } } ... on Problem { code message } } }`, { id: projectId });
  return result.__typename === 'Project' ? { triggers: result.triggers } : { problem: result };
}

export async function deactivateTriggers(graphqlUrl: string, projectId: string): Promise<TriggerView[]> {
  const { deactivateTriggers: result } = await graphqlData(graphqlUrl, `mutation ($id: ID!) { deactivateTriggers(projectId: $id) {
      ... on Project { triggers { ${triggerFields} } } ... on Problem { code message } } }`, { id: projectId });
  if (!result.triggers) throw new Error(`deactivateTriggers refused: ${JSON.stringify(result)}`);
  return result.triggers;
}

export async function projectTriggers(graphqlUrl: string, projectId: string): Promise<TriggerView[]> {
  const { project } = await graphqlData(graphqlUrl, `query ($id: ID!) { project(id: $id) { triggers { ${triggerFields} } } }`, { id: projectId });
  return project.triggers;
}

/** The runs a trigger started, oldest first. */
export async function runsOf(graphqlUrl: string, triggerId: string): Promise<TriggeredRun[]> {
  const { trigger } = await graphqlData(graphqlUrl, `query ($id: ID!) { trigger(id: $id) { executions(first: 40) { edges { node {
      id trigger triggerId triggeredBy status nodeRuns { nodeId status output } } } } } }`, { id: triggerId });
  return (trigger.executions.edges as { node: TriggeredRun }[]).map((edge) => edge.node).reverse();
}

export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value, null, 1)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The scheduledTime of each Cron run, from its trigger node's output. */
export function scheduledTimes(runs: TriggeredRun[], nodeId: string): string[] {
  return runs.map((run) => run.nodeRuns.find((nodeRun) => nodeRun.nodeId === nodeId)?.output?.scheduledTime).filter(Boolean);
}
