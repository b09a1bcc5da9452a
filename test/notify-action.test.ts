import { describe, expect, it } from '@jest/globals';
import { createProject, runProject, waitForNode, waitForStatus } from './support/executions';
import { graphqlData } from './support/graphql';
import { usePlatform } from './support/usePlatform';

interface TaskView {
  id: string;
  nodeId: string;
  lane: number[];
  kind: string;
  title: string;
  actionUrl: string | null;
  state: string;
}

const tasksOf = async (graphqlUrl: string, executionId: string): Promise<TaskView[]> => {
  const { humanTasks } = await graphqlData(graphqlUrl, `query ($filter: HumanTaskFilter) {
    humanTasks(first: 50, filter: $filter) { edges { node { id nodeId lane kind title actionUrl state } } } }`,
  { filter: { executionId, state: ['open', 'answered', 'skipped', 'cancelled'] } });
  return (humanTasks.edges as { node: TaskView }[]).map((edge) => edge.node).sort((a, b) => `${a.nodeId}${a.lane}`.localeCompare(`${b.nodeId}${b.lane}`));
};

const completeActionTask = (graphqlUrl: string, id: string) =>
  graphqlData(graphqlUrl, `mutation ($id: ID!) { completeActionTask(id: $id) {
    __typename ... on HumanTask { id state kind } ... on Problem { code message } } }`, { id }).then((data) => data.completeActionTask);

const notifyInLanes = `
link = Text { value: "https://example.com/approve/42" }
ping = Notify
ping.url = link.value
pages = ExecPython -> (urls: List[String]) {
  code: "return {'urls': ['https://example.com/a', 'https://example.com/b']}"
}
each = Notify
each.url = pages.urls
`;

describe("Notify's Action task: a link a person opens and marks done, one per lane", () => {
  const platform = usePlatform();
  const url = () => platform.current.graphqlUrl;

  it('a Notify run completes with sent: true and leaves one open Action task per instance, marked done one by one', async () => {
    const projectId = await createProject(url(), 'notify action', notifyInLanes);
    const run = await waitForStatus(url(), await runProject(url(), projectId), ['completed', 'failed', 'cancelled']);
    expect(run.status).toBe('completed');
    expect(run.node('ping')?.output).toEqual({ sent: true });
    expect(run.openTasks).toEqual([]); // nothing keeps the run waiting

    const tasks = await tasksOf(url(), run.id);
    expect(tasks.map(({ nodeId, lane, kind, title, actionUrl, state }) => ({ nodeId, lane, kind, title, actionUrl, state }))).toEqual([
      { nodeId: 'each', lane: [0], kind: 'action', title: 'Action', actionUrl: 'https://example.com/a', state: 'open' },
      { nodeId: 'each', lane: [1], kind: 'action', title: 'Action', actionUrl: 'https://example.com/b', state: 'open' },
      { nodeId: 'ping', lane: [], kind: 'action', title: 'Action', actionUrl: 'https://example.com/approve/42', state: 'open' },
    ]);

    const ping = tasks.find((task) => task.nodeId === 'ping')!;
    expect(await completeActionTask(url(), ping.id)).toEqual({ __typename: 'HumanTask', id: ping.id, state: 'answered', kind: 'action' });
    expect(await completeActionTask(url(), ping.id)).toMatchObject({ __typename: 'TaskClosed', code: 'TASK_CLOSED' });
    expect((await tasksOf(url(), run.id)).map((task) => task.state)).toEqual(['open', 'open', 'answered']);
    const { humanTasks } = await graphqlData(url(), `{ humanTasks(first: 50) { edges { node { id } } } }`);
    expect((humanTasks.edges as { node: { id: string } }[]).map((edge) => edge.node.id).sort()).toEqual(tasks.filter((task) => task.nodeId === 'each').map((task) => task.id).sort());

    expect(await completeActionTask(url(), '0190c9b4-0000-7000-8000-000000000000')).toMatchObject({ __typename: 'NotFound', code: 'NOT_FOUND' });
  }, 90_000);

  it('a form task is not an action; cancelling a run cancels its forms but keeps its Action task', async () => {
    const projectId = await createProject(url(), 'notify and form', `
link = Text { value: "https://example.com/review" }
ping = Notify
ping.url = link.value
review = HumanQuery {
  title: "Go on?"
  fields: [
    {"fieldType": "display", "key": "seen", "required": true},
    {"fieldType": "approve_reject", "key": "decision"}
  ]
}
review.seen = ping.sent
`);
    const executionId = await runProject(url(), projectId);
    await waitForStatus(url(), executionId, ['waiting_for_input']);
    const [form, action] = [...(await tasksOf(url(), executionId))].sort((a, b) => a.kind.localeCompare(b.kind)).reverse();
    expect(form).toMatchObject({ kind: 'form', nodeId: 'review', state: 'open' });
    expect(action).toMatchObject({ kind: 'action', nodeId: 'ping', state: 'open', actionUrl: 'https://example.com/review' });
    expect(await completeActionTask(url(), form!.id)).toMatchObject({ __typename: 'InvalidInput', message: expect.stringContaining('is a form') });
    const skipped = await graphqlData(url(), `mutation ($id: ID!) { skipHumanTask(id: $id) { __typename ... on Problem { message } } }`, { id: action!.id });
    expect(skipped.skipHumanTask).toMatchObject({ __typename: 'InvalidInput', message: expect.stringContaining('is an action') });

    await graphqlData(url(), `mutation ($id: ID!) { cancelExecution(id: $id) { __typename } }`, { id: executionId });
    expect((await waitForStatus(url(), executionId, ['cancelled'])).status).toBe('cancelled');
    expect((await tasksOf(url(), executionId)).map(({ kind, state }) => ({ kind, state })).sort((a, b) => a.kind.localeCompare(b.kind)))
      .toEqual([{ kind: 'action', state: 'open' }, { kind: 'form', state: 'cancelled' }]);
    expect(await completeActionTask(url(), action!.id)).toMatchObject({ __typename: 'HumanTask', state: 'answered' });
  }, 90_000);

  it('a restart of every process in the middle of the run neither loses nor duplicates the Action task', async () => {
    const projectId = await createProject(url(), 'notify then restart', `
link = Text { value: "https://example.com/after-restart" }
ping = Notify
ping.url = link.value
slow = ExecPython(sent: Boolean) -> (ok: Boolean) {
  code: "import time; time.sleep(3); return {'ok': sent}"
}
slow.sent = ping.sent
`);
    const executionId = await runProject(url(), projectId);
    await waitForNode(url(), executionId, 'ping', 'completed');
    await platform.stop();
    await platform.startAgain();
    const run = await waitForStatus(url(), executionId, ['completed', 'failed', 'cancelled'], 90_000);
    expect(run.status).toBe('completed');
    expect(run.node('slow')?.output).toMatchObject({ ok: true });
    expect((await tasksOf(url(), executionId)).map(({ nodeId, kind, actionUrl, state }) => ({ nodeId, kind, actionUrl, state }))).toEqual([
      { nodeId: 'ping', kind: 'action', actionUrl: 'https://example.com/after-restart', state: 'open' },
    ]);
  }, 150_000);
});
