import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { graphqlData } from './support/graphql';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase } from './support/platform';

/**
 * Size limits on what one request may make the server compile or run (issue 12 A4): code over
 * MAX_CODE_BYTES is refused when saved, a program over MAX_PROJECT_NODES is not drawn nor run,
 * a node whose lanes would exceed MAX_LANES_PER_NODE fails; each with an error naming the limit.
 * (Whether /health stays responsive is measured by bench/healthUnderLoad.ts, not here.)
 */
const limits = { MAX_CODE_BYTES: '4000', MAX_PROJECT_NODES: '40', MAX_LANES_PER_NODE: '100' };
const debugNodes = (count: number) => Array.from({ length: count }, (_, i) => `n${i} = Debug`).join('\n');
const lanesOf = (count: number) => `numbers = List -> (value: List[Number]) {
  value: [${Array.from({ length: count }, (_, i) => i).join(', ')}]
}
each = Template(n: Number) {
  template: "number {{n}}"
}
each.n = numbers.value
`;

describe('compile and run limits', () => {
  let database: TestDatabase;
  let dataDir: string;
  let platform: RunningPlatform;
  const data = (query: string, variables: Record<string, unknown> = {}) => graphqlData(platform.graphqlUrl, query, variables);
  const create = async (code: string) =>
    (await data(`mutation ($code: String!) { createProject(name: "limits", code: $code) { __typename ... on Project { id } ... on Problem { code message } } }`, { code })).createProject;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await makeDataDir();
    platform = await startPlatform({ dataDir, databaseUrl: database.url, env: limits });
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
    await database?.drop();
    if (dataDir) await removeDataDir(dataDir);
  }, 60_000);

  it('refuses to save code larger than MAX_CODE_BYTES, in every mutation that writes code', async () => {
    const large = `a = Text { value: "${'x'.repeat(4100)}" }`;
    expect(await create(large)).toEqual({ __typename: 'InvalidInput', code: 'BAD_USER_INPUT', message: expect.stringMatching(/^The code is 41\d\d bytes; at most 4000 are allowed \(MAX_CODE_BYTES\)/) });
    const { id } = await create('a = Text { value: "small" }');
    const { updateProject } = await data(`mutation ($id: ID!, $code: String!) { updateProject(id: $id, code: $code) { __typename ... on Problem { message } } }`, { id, code: large });
    expect(updateProject).toEqual({ __typename: 'InvalidInput', message: expect.stringContaining('MAX_CODE_BYTES') });
    const { importProject } = await data(`mutation ($content: String!) { importProject(content: $content, fileName: "big.weft") { __typename ... on Problem { message } } }`, { content: large });
    expect(importProject).toEqual({ __typename: 'InvalidInput', message: expect.stringContaining('MAX_CODE_BYTES') });
    const { checkWeft } = await data(`query ($code: String!) { checkWeft(code: $code) { ok graph { nodes { id } } diagnostics { code message } } }`, { code: large });
    expect(checkWeft).toEqual({ ok: false, graph: null, diagnostics: [{ code: 'code-too-large', message: expect.stringContaining('MAX_CODE_BYTES') }] });
  });

  it('neither draws nor runs a program of more than MAX_PROJECT_NODES nodes, and says why', async () => {
    const { id } = await create(debugNodes(41));
    const { project } = await data(`query ($id: ID!) { project(id: $id) { graph { nodes { id } } diagnostics { severity code message } } }`, { id });
    expect(project.graph).toBeNull();
    expect(project.diagnostics[0]).toEqual({ severity: 'error', code: 'too-many-nodes', message: 'The program has 41 nodes; at most 40 are allowed (MAX_PROJECT_NODES): split it into several projects' });
    const { runProject } = await data(`mutation ($id: ID!) { runProject(projectId: $id) { __typename ... on Problem { message } } }`, { id });
    expect(runProject).toEqual({ __typename: 'ProgramHasErrors', message: expect.stringContaining('MAX_PROJECT_NODES') });

    const { id: fits } = await create(debugNodes(40));
    const drawn = await data(`query ($id: ID!) { project(id: $id) { graph { nodes { id } } } }`, { id: fits });
    expect(drawn.project.graph.nodes).toHaveLength(40);
  });

  it('fails a node whose lanes would exceed MAX_LANES_PER_NODE, and runs one within it', async () => {
    const runOf = async (lanes: number) => {
      const { id } = await create(lanesOf(lanes));
      const { runProject } = await data(`mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } ... on Problem { message } } }`, { id });
      if (!runProject.id) throw new Error(runProject.message);
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const { execution } = await data(`query ($id: ID!) { execution(id: $id) { status nodeRuns(nodeId: "each") { status error } } }`, { id: runProject.id });
        if (!['pending', 'running'].includes(execution.status)) return execution;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error('the run did not end');
    };
    const over = await runOf(101);
    expect(over.status).toBe('failed');
    expect(over.nodeRuns).toEqual([{ status: 'failed', error: expect.stringMatching(/^each would run in 101 lanes; at most 100 are allowed per node \(MAX_LANES_PER_NODE\)/) }]);
    const within = await runOf(100);
    expect(within.status).toBe('completed');
    expect(within.nodeRuns).toHaveLength(100);
  }, 120_000);
});
