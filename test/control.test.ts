import { describe, expect, it } from '@jest/globals';
import { graphqlData, graphqlRequest } from './support/graphql';
import { createProject, executionDetails, readExample, runProject, waitForNode, waitForStatus } from './support/executions';
import { usePlatform } from './support/usePlatform';

const sleepy = (seconds: number) => `
first = ExecPython -> (n: Number) {
  code: \`\`\`
import time
time.sleep(${seconds})
return {"n": 1}
  \`\`\`
}
second = ExecPython(n: Number) -> (n: Number) {
  code: \`\`\`
return {"n": n + 1}
  \`\`\`
}
second.n = first.n
`;

describe('controlling executions', () => {
  const platform = usePlatform({ env: { MAX_OUTPUT_BYTES_PER_PORT: '1000' } });
  const url = () => platform.current.graphqlUrl;
  const mutate = async (name: string, id: string) => {
    const data = await graphqlData(url(), `mutation ($id: ID!) { ${name}(id: $id) { __typename ... on Execution { id status } ... on Problem { message } } }`, { id });
    expect(data[name]).toMatchObject({ __typename: 'Execution', id });
    return data;
  };


  it('cancels a running execution at once: the running node run and the execution end cancelled', async () => {
    const executionId = await runProject(url(), await createProject(url(), 'long', sleepy(30)));
    await waitForNode(url(), executionId, 'first', 'running');
    await mutate('cancelExecution', executionId);
    const execution = await waitForStatus(url(), executionId, ['cancelled'], 15_000);
    expect(execution.node('first')?.status).toBe('cancelled');
    expect(execution.node('second')).toBeUndefined();
    const again = await graphqlRequest(url(), `mutation ($id: ID!) { cancelExecution(id: $id) { __typename ... on WrongStatus { message status } } }`, { id: executionId });
    expect(again.data?.cancelExecution).toEqual({
      __typename: 'WrongStatus', message: `Execution ${executionId} is cancelled; it cannot be cancelled`, status: 'cancelled',
    });
  });

  it('cancels an execution waiting for a form: the form closes', async () => {
    const executionId = await runProject(url(), await createProject(url(), 'approval', await readExample('approval')));
    const waiting = await waitForStatus(url(), executionId, ['waiting_for_input']);
    await mutate('cancelExecution', executionId);
    await waitForStatus(url(), executionId, ['cancelled'], 15_000);
    const { humanTask } = await graphqlData(url(), `query ($id: ID!) { humanTask(id: $id) { state } }`, { id: waiting.openTasks[0]!.id });
    expect(humanTask.state).toBe('cancelled');
  });

  it('pauses: the running node finishes, no new node starts; resume goes on', async () => {
    const executionId = await runProject(url(), await createProject(url(), 'pausable', sleepy(2)));
    await waitForStatus(url(), executionId, ['running']);
    await mutate('pauseExecution', executionId);
    const paused = await waitForStatus(url(), executionId, ['paused']);
    expect(paused.status).toBe('paused');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const stillPaused = await executionDetails(url(), executionId);
    expect(stillPaused.status).toBe('paused');
    expect(stillPaused.node('first')?.status).toBe('completed');
    expect(stillPaused.node('second')).toBeUndefined();

    await mutate('resumeExecution', executionId);
    const done = await waitForStatus(url(), executionId, ['completed', 'failed']);
    expect(done.node('second')?.output).toMatchObject({ n: 2 });
    const notPaused = await graphqlRequest(url(), `mutation ($id: ID!) { resumeExecution(id: $id) { ... on Problem { code } } }`, { id: executionId });
    expect(notPaused.data?.resumeExecution).toEqual({ code: 'WRONG_STATUS' });
  });

  it('re-runs an execution on the same version with the same inputs, even after the code changed', async () => {
    const projectId = await createProject(url(), 'webhook', await readExample('webhook'));
    const firstId = await runProject(url(), projectId, { inputs: { hook: { city: 'Lagos', degrees: 31 } } });
    await waitForStatus(url(), firstId, ['completed']);
    await graphqlData(url(), `mutation ($id: ID!) { updateProject(id: $id, code: "x = Text { value: \\"changed\\" }") { ... on Project { id } } }`, { id: projectId });
    const { rerunExecution } = await graphqlData(url(), `mutation ($id: ID!) { rerunExecution(id: $id) { ... on Execution { id trigger triggeredBy } } }`, { id: firstId });
    expect(rerunExecution).toMatchObject({ trigger: 'Rerun', triggeredBy: `rerun of ${firstId}` });
    const rerun = await waitForStatus(url(), rerunExecution.id, ['completed', 'failed']);
    expect(rerun.node('line')?.output).toEqual({ text: 'Lagos: 31 °C' });
  });

  it('runs with a test config: mocked nodes do not run and give their mocked outputs; bad mocks are refused when saved', async () => {
    const projectId = await createProject(url(), 'hello', await readExample('hello'));
    const refused = await graphqlRequest(url(), `mutation ($id: ID!, $mocks: JSON!) { createTestConfig(projectId: $id, name: "bad", mocks: $mocks) { __typename ... on Problem { message } } }`, {
      id: projectId,
      mocks: { sum: { total: 'many' }, nothere: {} },
    });
    expect(refused.data?.createTestConfig.__typename).toBe('InvalidInput');
    expect(refused.data?.createTestConfig.message).toBe(
      'These mocks do not fit the program: mock for sum.total is a String, which is not a Number; mock for unknown node "nothere"',
    );
    const { createTestConfig } = await graphqlData(url(), `mutation ($id: ID!, $mocks: JSON!) { createTestConfig(projectId: $id, name: "big sum", mocks: $mocks) { ... on TestConfig { id } } }`, {
      id: projectId,
      mocks: { sum: { total: 1000, note: 'mocked' } },
    });
    const executionId = await runProject(url(), projectId, { testConfigId: createTestConfig.id });
    const execution = await waitForStatus(url(), executionId, ['completed', 'failed']);
    expect(execution.node('sum')).toMatchObject({ status: 'completed', output: { total: 1000, note: 'mocked' }, details: { mocked: true } });
    expect(execution.node('show')?.inputs).toEqual({ data: { total: 1000, note: 'mocked' } });
  });

  it('fails a node whose output is larger than a port may hold, with a clear error', async () => {
    const code = `big = ExecPython -> (text: String) {
  code: \`\`\`
return {"text": "x" * 5000}
  \`\`\`
}`;
    const executionId = await runProject(url(), await createProject(url(), 'big', code));
    const execution = await waitForStatus(url(), executionId, ['completed', 'failed']);
    expect(execution.status).toBe('failed');
    expect(execution.node('big')?.error).toBe('Output "text" is 5002 bytes, more than the 1000 bytes a port may hold (MAX_OUTPUT_BYTES_PER_PORT)');
  });
});
