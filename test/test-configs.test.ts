import { describe, expect, it } from '@jest/globals';
import { graphqlData, graphqlRequest } from './support/graphql';
import { createProject, readExample, runProject, waitForStatus } from './support/executions';
import { usePlatform } from './support/usePlatform';

const configFields = `id name mocks executionCount executions(first: 10) { id status testConfig { id name } }`;

const apiPostProgram = `hook = ApiPost -> (city: String, degrees: Number) { label: "Weather hook" }
line = Template(city: String, degrees: Number) { template: "{{city}}: {{degrees}}" }
line.city = hook.city
line.degrees = hook.degrees
`;

describe('test configs and run inputs through the API', () => {
  const platform = usePlatform();
  const url = () => platform.current.graphqlUrl;

  it('lists the runs made with a test config, newest first, and each run names its config', async () => {
    const projectId = await createProject(url(), 'hello', await readExample('hello'));
    const { createTestConfig: config } = await graphqlData(url(), `mutation ($id: ID!, $mocks: JSON!) {
      createTestConfig(projectId: $id, name: "big sum", mocks: $mocks) { __typename ... on TestConfig { ${configFields} } } }`, {
      id: projectId, mocks: { sum: { total: 1000, note: 'mocked' } },
    });
    expect(config).toMatchObject({ __typename: 'TestConfig', name: 'big sum', executionCount: 0, executions: [] });

    const withConfig = [await runProject(url(), projectId, { testConfigId: config.id }), await runProject(url(), projectId, { testConfigId: config.id })];
    const without = await runProject(url(), projectId);
    for (const id of [...withConfig, without]) await waitForStatus(url(), id, ['completed', 'failed']);

    const { project } = await graphqlData(url(), `query ($id: ID!) { project(id: $id) { testConfigs { ${configFields} } } }`, { id: projectId });
    const [listed] = project.testConfigs;
    expect(listed.executionCount).toBe(2);
    expect(listed.executions.map((run: { id: string }) => run.id)).toEqual([...withConfig].reverse());
    expect(listed.executions[0]).toMatchObject({ status: 'completed', testConfig: { id: config.id, name: 'big sum' } });
    const { execution } = await graphqlData(url(), `query ($id: ID!) { execution(id: $id) { testConfig { id } } }`, { id: without });
    expect(execution.testConfig).toBeNull();
  }, 90_000);

  it('refuses an edit whose mocked output has the wrong type, and keeps the stored mocks', async () => {
    const projectId = await createProject(url(), 'hello', await readExample('hello'));
    const { createTestConfig: config } = await graphqlData(url(), `mutation ($id: ID!) {
      createTestConfig(projectId: $id, name: "ok", mocks: { sum: { total: 5 } }) { ... on TestConfig { id } } }`, { id: projectId });
    const refused = await graphqlRequest(url(), `mutation ($id: ID!, $mocks: JSON!) {
      updateTestConfig(id: $id, mocks: $mocks) { __typename ... on Problem { message } } }`, { id: config.id, mocks: { sum: { total: 'five', note: 7 } } });
    expect(refused.data?.updateTestConfig).toEqual({
      __typename: 'InvalidInput',
      message: 'These mocks do not fit the program: mock for sum.total is a String, which is not a Number; mock for sum.note is a Number, which is not a String',
    });
    const noSuchPort = await graphqlRequest(url(), `mutation ($id: ID!) {
      updateTestConfig(id: $id, mocks: { sum: { sum: 1 } }) { __typename ... on Problem { message } } }`, { id: config.id });
    expect(noSuchPort.data?.updateTestConfig.message).toBe('These mocks do not fit the program: "sum" has no output "sum" (its outputs are stdout, stderr, total, note)');
    const { testConfig } = await graphqlData(url(), `query ($id: ID!) { project(id: $id) { testConfigs { mocks } } }`, { id: projectId })
      .then((data) => ({ testConfig: data.project.testConfigs[0] }));
    expect(testConfig.mocks).toEqual({ sum: { total: 5 } });
  }, 60_000);

  it('runs with a test config that mocks a group: the nodes inside skip, and a Debug after the group gets the mock', async () => {
    const code = [
      'src = Text { value: "real" }',
      'g = Group(x: String) -> (out: String, extra: String?) {',
      '  t = Template(x: String) { template: "<{{x}}>" }',
      '  t.x = self.x',
      '  self.out = t.text',
      '}',
      'g.x = src.value',
      'show = Debug',
      'show.data = g.out',
      '',
    ].join('\n');
    const projectId = await createProject(url(), 'mocked group', code);
    const wrong = await graphqlRequest(url(), `mutation ($id: ID!, $mocks: JSON!) {
      createTestConfig(projectId: $id, name: "bad", mocks: $mocks) { __typename ... on Problem { message } } }`, { id: projectId, mocks: { g: { out: 3 } } });
    expect(wrong.data?.createTestConfig.message).toBe('These mocks do not fit the program: mock for g.out is a Number, which is not a String');
    const { createTestConfig: config } = await graphqlData(url(), `mutation ($id: ID!, $mocks: JSON!) {
      createTestConfig(projectId: $id, name: "canned group", mocks: $mocks) { __typename ... on TestConfig { id mocks } } }`, { id: projectId, mocks: { g: { out: 'canned' } } });
    expect(config).toMatchObject({ __typename: 'TestConfig', mocks: { g: { out: 'canned' } } });

    const run = await waitForStatus(url(), await runProject(url(), projectId, { testConfigId: config.id }), ['completed', 'failed']);
    expect(run.status).toBe('completed');
    expect(run.node('g')).toMatchObject({ status: 'completed', output: { out: 'canned', extra: null }, details: { mocked: true } });
    expect(run.node('g.t')).toMatchObject({ status: 'skipped', details: { reason: 'group g is mocked' } });
    expect(run.node('show')).toMatchObject({ status: 'completed', inputs: { data: 'canned' } });
  }, 60_000);

  it("runs a project with its ApiPost trigger's fields as inputs, and refuses inputs of the wrong type", async () => {
    const projectId = await createProject(url(), 'hook', apiPostProgram);
    const refused = await graphqlRequest(url(), `mutation ($id: ID!, $inputs: JSON) {
      runProject(projectId: $id, inputs: $inputs) { __typename ... on Problem { message } } }`, { id: projectId, inputs: { hook: { city: 'Lagos', degrees: 'hot' } } });
    expect(refused.data?.runProject.__typename).not.toBe('Execution');
    expect(refused.data?.runProject.message).toContain('input for hook.degrees is a String, which is not a Number');

    const runId = await runProject(url(), projectId, { inputs: { hook: { city: 'Lagos', degrees: 31 } } });
    const run = await waitForStatus(url(), runId, ['completed', 'failed']);
    expect(run.node('line')?.output).toEqual({ text: 'Lagos: 31' });
  }, 60_000);
});
