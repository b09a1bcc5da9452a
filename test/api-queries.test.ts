import { describe, expect, it } from '@jest/globals';
import { graphqlData, graphqlRequest } from './support/graphql';
import { createProject, readExample, runProject, waitForStatus } from './support/executions';
import { usePlatform } from './support/usePlatform';

const greeting = 'greeting = Text { value: "hi" }';
const pageOfExecutions = `query ($first: Int, $after: String, $last: Int, $before: String, $filter: ExecutionFilter, $orderBy: ExecutionOrder) {
  executions(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id status trigger startedAt error } }
  } }`;

type Page = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: { cursor: string; node: { id: string; status: string; trigger: string; startedAt: string; error: string | null } }[];
};

describe('the query API: keyset pages, filters, one query per level', () => {
  const platform = usePlatform({ env: { LOG_SQL: 'on', VERSION_INTERVAL_MINUTES: '0', MAX_AUTO_VERSIONS: '2' } });
  const url = () => platform.current.graphqlUrl;
  const executions = async (variables: Record<string, unknown>) => (await graphqlData<{ executions: Page }>(url(), pageOfExecutions, variables)).executions;
  const ids = (page: Page) => page.edges.map((edge) => edge.node.id);

  let manyProject: string;
  let manyRuns: string[]; // newest first, as the API lists them
  let failedRun: string;
  let rerun: string;

  it('setup: 55 runs of one project, a failed run and a re-run of another', async () => {
    manyProject = await createProject(url(), 'many', greeting);
    const started: string[] = [];
    for (let index = 0; index < 55; index++) started.push(await runProject(url(), manyProject));
    await Promise.all(started.map((id) => waitForStatus(url(), id, ['completed'])));
    manyRuns = started.reverse();
    failedRun = await runProject(url(), await createProject(url(), 'failure', await readExample('failure')));
    await waitForStatus(url(), failedRun, ['failed']);
    const { rerunExecution } = await graphqlData(url(), `mutation ($id: ID!) { rerunExecution(id: $id) { ... on Execution { id } } }`, { id: failedRun });
    rerun = rerunExecution.id;
    await waitForStatus(url(), rerun, ['failed']);
  }, 240_000);

  it('pages forward and backward over one project without gaps or repeats, with exact pageInfo', async () => {
    const filter = { projectId: manyProject };
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page = await executions({ first: 20, after, filter });
      expect(page.totalCount).toBe(55);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...ids(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(manyRuns);

    const lastPage = await executions({ last: 20, filter });
    expect(ids(lastPage)).toEqual(manyRuns.slice(-20));
    expect(lastPage.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const beforeIt = await executions({ last: 20, before: lastPage.pageInfo.startCursor, filter });
    expect(ids(beforeIt)).toEqual(manyRuns.slice(15, 35));
    const firstPage = await executions({ last: 20, before: beforeIt.pageInfo.startCursor, filter });
    expect(ids(firstPage)).toEqual(manyRuns.slice(0, 15));
    expect(firstPage.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });

  it('handles the edges: an exact page, the last partial page, an empty list, a page of 0', async () => {
    const filter = { projectId: manyProject };
    const exact = await executions({ first: 55, filter });
    expect(exact.edges).toHaveLength(55);
    expect(exact.pageInfo.hasNextPage).toBe(false);
    const lastFive = await executions({ first: 50, after: (await executions({ first: 50, filter })).pageInfo.endCursor, filter });
    expect(ids(lastFive)).toEqual(manyRuns.slice(50));
    expect(lastFive.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const beyond = await executions({ first: 10, after: lastFive.pageInfo.endCursor, filter });
    expect(beyond).toMatchObject({ edges: [], pageInfo: { hasNextPage: false, startCursor: null, endCursor: null } });
    const none = await executions({ first: 10, filter: { projectId: '00000000-0000-7000-8000-000000000000' } });
    expect(none).toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } });
    expect((await executions({ first: 0, filter })).edges).toEqual([]);
  });

  it('refuses bad cursors and page sizes with a clear BAD_USER_INPUT error', async () => {
    for (const after of ['nonsense', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["not a date","x"]').toString('base64url')]) {
      const refused = await graphqlRequest(url(), pageOfExecutions, { first: 5, after });
      expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('is not a cursor of this list (after)') });
    }
    const tooMany = await graphqlRequest(url(), pageOfExecutions, { first: 1000 });
    expect(tooMany.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: 'first must be between 0 and 200' });
    const both = await graphqlRequest(url(), pageOfExecutions, { first: 1, last: 1 });
    expect(both.errors?.[0]?.message).toBe('Pass first or last, not both');
  });

  it('filters by status, trigger, error, start time, and orders oldest first', async () => {
    expect(ids(await executions({ first: 10, filter: { status: ['failed'] } }))).toEqual([rerun, failedRun]);
    expect(ids(await executions({ first: 10, filter: { status: ['failed', 'completed'], trigger: ['Rerun'] } }))).toEqual([rerun]);
    expect(ids(await executions({ first: 10, filter: { hasError: true } }))).toEqual([rerun, failedRun]);
    expect((await executions({ first: 1, filter: { hasError: false } })).totalCount).toBe(55);
    expect((await executions({ first: 1, filter: { trigger: ['Manual'] } })).totalCount).toBe(56);
    const all = await executions({ first: 100 });
    const middle = all.edges[10]!.node.startedAt;
    const from = await executions({ first: 100, filter: { startedFrom: middle } });
    expect(from.edges.every((edge) => edge.node.startedAt >= middle)).toBe(true);
    const before = await executions({ first: 100, filter: { startedBefore: middle } });
    expect(before.edges.every((edge) => edge.node.startedAt < middle)).toBe(true);
    expect(from.totalCount + before.totalCount).toBe(57);
    const oldest = await executions({ first: 3, orderBy: 'oldestFirst', filter: { projectId: manyProject } });
    expect(ids(oldest)).toEqual(manyRuns.slice(-3).reverse());
    const next = await executions({ first: 3, after: oldest.pageInfo.endCursor, orderBy: 'oldestFirst', filter: { projectId: manyProject } });
    expect(ids(next)).toEqual(manyRuns.slice(-6, -3).reverse());
  });

  it('gives an execution its project, version (code and graph), node runs filtered by status and node, a node-run connection and a duration', async () => {
    const { execution } = await graphqlData(url(), `query ($id: ID!) { execution(id: $id) {
      durationMs lastSeq trigger project { name } version { kind code graph { nodes { id } } diagnostics { code } }
      failed: nodeRuns(status: [failed]) { nodeId } named: nodeRuns(nodeId: "nope") { nodeId }
      nodeRunsConnection(first: 1) { totalCount edges { node { nodeId seq } } pageInfo { hasNextPage endCursor } }
    } }`, { id: failedRun });
    expect(execution.project.name).toBe('failure');
    // No error; the warnings the reference gives too: `optional` (a Pack) feeds nothing and, its one input
    // taking Null, never skips.
    expect(execution.version).toMatchObject({
      kind: 'auto', code: await readExample('failure'), diagnostics: [{ code: 'outputs-unconnected' }, { code: 'never-skips' }],
    });
    expect(execution.version.graph.nodes.length).toBeGreaterThan(0);
    expect(execution.durationMs).toBeGreaterThanOrEqual(0);
    expect(execution.failed.length).toBeGreaterThan(0);
    expect(execution.named).toEqual([]);
    const { totalCount, edges, pageInfo } = execution.nodeRunsConnection;
    expect(totalCount).toBeGreaterThan(1);
    const rest = await graphqlData(url(), `query ($id: ID!, $after: String) { execution(id: $id) {
      nodeRunsConnection(first: 100, after: $after) { edges { node { seq } } } } }`, { id: failedRun, after: pageInfo.endCursor });
    const seqs = [edges[0].node.seq, ...rest.execution.nodeRunsConnection.edges.map((edge: { node: { seq: number } }) => edge.node.seq)];
    expect(seqs).toHaveLength(totalCount);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('loads a page of 50 executions with their node runs and projects in a fixed number of SQL queries', async () => {
    const query = `{ executions(first: 50) { totalCount edges { node { id project { name } version { id } nodeRuns { nodeId status } } } } }`;
    const countFor = async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const before = sqlQueries(platform.current.output());
      const { executions: page } = await graphqlData(url(), query);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(page.edges).toHaveLength(50);
      return sqlQueries(platform.current.output()) - before;
    };
    const fifty = await countFor();
    // executions, their projects, versions and node runs (one query each), and the count
    expect(fifty).toBeLessThanOrEqual(5);
    const small = await graphqlData(url(), `{ executions(first: 2) { edges { node { id } } } }`);
    expect(small.executions.edges).toHaveLength(2);
    console.log(`SQL queries for a page of 50 executions with node runs, projects and versions: ${fifty}`);
  });

  it('reads a later page by keyset: a range on startedAt from the cursor (never a skip; Prisma always sends OFFSET 0)', async () => {
    const first = await executions({ first: 5 });
    const logged = platform.current.output().length;
    await executions({ first: 5, after: first.pageInfo.endCursor });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sql = platform.current.output().slice(logged).split('\n').filter((line) => line.includes('"msg":"sql query"') && /FROM\W+public\W+Execution\W/.test(line));
    const page = sql.find((line) => line.includes('LIMIT'))!;
    expect(page).toMatch(/WHERE \W+public\W+Execution\W+startedAt\W{1,3}<= \$1 AND/);
    expect(page).toMatch(/ORDER BY \W+public\W+Execution\W+startedAt\W+ DESC/);
  });
});

function sqlQueries(output: string): number {
  return output.split('\n').filter((line) => line.includes('"msg":"sql query"')).length;
}

describe('projects and their history', () => {
  const platform = usePlatform({ env: { VERSION_INTERVAL_MINUTES: '0', MAX_AUTO_VERSIONS: '2' } });
  const url = () => platform.current.graphqlUrl;
  const versionsOf = async (projectId: string) =>
    (await graphqlData(url(), `query ($id: ID!) { project(id: $id) { code versions(first: 50) { totalCount edges { node { id kind label code } } } } }`, { id: projectId })).project;
  const update = (id: string, code: string) => graphqlData(url(), `mutation ($id: ID!, $code: String) { updateProject(id: $id, code: $code) { ... on Project { id } } }`, { id, code });

  it('versions every code change (interval 0), not an unchanged code, and keeps the newest MAX_AUTO_VERSIONS auto versions', async () => {
    const projectId = await createProject(url(), 'history', 'a = Text { value: "1" }');
    await update(projectId, 'a = Text { value: "2" }');
    await graphqlData(url(), `mutation ($id: ID!) { updateProject(id: $id, layout: "a @layout 10 10") { ... on Project { id } } }`, { id: projectId });
    await update(projectId, 'a = Text { value: "3" }');
    await update(projectId, 'a = Text { value: "3" }');
    const { versions } = await versionsOf(projectId);
    expect(versions.edges.map((edge: { node: { kind: string; code: string } }) => [edge.node.kind, edge.node.code])).toEqual([
      ['auto', 'a = Text { value: "3" }'],
      ['auto', 'a = Text { value: "2" }'],
    ]);
  });

  it('keeps versions that executions ran when pruning, so their graph and code stay readable', async () => {
    const projectId = await createProject(url(), 'ran', greeting);
    const executionId = await runProject(url(), projectId);
    await waitForStatus(url(), executionId, ['completed']);
    for (const value of ['x', 'y', 'z']) await update(projectId, `greeting = Text { value: "${value}" }`);
    const { versions } = await versionsOf(projectId);
    expect(versions.edges.map((edge: { node: { code: string } }) => edge.node.code)).toEqual([
      'greeting = Text { value: "z" }',
      'greeting = Text { value: "y" }',
      greeting,
    ]);
    const { execution } = await graphqlData(url(), `query ($id: ID!) { execution(id: $id) { version { code } graph { nodes { id } } } }`, { id: executionId });
    expect(execution.version.code).toBe(greeting);
  });

  it('saves, labels and restores versions; refuses an empty label and unknown ids as typed problems', async () => {
    const projectId = await createProject(url(), 'manual', 'a = Text { value: "saved" }');
    const { saveVersion } = await graphqlData(url(), `mutation ($id: ID!) { saveVersion(projectId: $id, label: " release 1 ") { ... on Version { id kind label } } }`, { id: projectId });
    expect(saveVersion).toMatchObject({ kind: 'manual', label: 'release 1' });
    const empty = await graphqlData(url(), `mutation ($id: ID!) { saveVersion(projectId: $id, label: "  ") { __typename ... on Problem { code message } } }`, { id: projectId });
    expect(empty.saveVersion).toEqual({ __typename: 'InvalidInput', code: 'BAD_USER_INPUT', message: 'A saved version needs a label, e.g. "before the refactor"' });
    const unknown = '00000000-0000-7000-8000-000000000000';
    const missing = await graphqlData(url(), `mutation ($id: ID!) { saveVersion(projectId: $id, label: "x") { __typename ... on NotFound { what id } } }`, { id: unknown });
    expect(missing.saveVersion).toEqual({ __typename: 'NotFound', what: 'Project', id: unknown });

    const { labelVersion } = await graphqlData(url(), `mutation ($id: ID!) { labelVersion(id: $id, label: "release 1.0") { ... on Version { label } } }`, { id: saveVersion.id });
    expect(labelVersion.label).toBe('release 1.0');
    const unlabel = await graphqlData(url(), `mutation ($id: ID!) { labelVersion(id: $id, label: null) { __typename } }`, { id: saveVersion.id });
    expect(unlabel.labelVersion.__typename).toBe('InvalidInput');
    const noVersion = await graphqlData(url(), `mutation ($id: ID!) { labelVersion(id: $id, label: "x") { __typename } }`, { id: unknown });
    expect(noVersion.labelVersion.__typename).toBe('NotFound');

    await update(projectId, 'a = Text { value: "edited" }');
    const { restoreVersion } = await graphqlData(url(), `mutation ($id: ID!) { restoreVersion(id: $id) { ... on Version { kind label code project { code } } } }`, { id: saveVersion.id });
    expect(restoreVersion).toEqual({ kind: 'manual', label: 'Restored from "release 1.0"', code: 'a = Text { value: "saved" }', project: { code: 'a = Text { value: "saved" }' } });
    const { versions } = await versionsOf(projectId);
    expect(versions.edges.map((edge: { node: { code: string } }) => edge.node.code)).toEqual([
      'a = Text { value: "saved" }',
      'a = Text { value: "edited" }',
      'a = Text { value: "saved" }',
      'a = Text { value: "saved" }',
    ]);
    const restoreMissing = await graphqlData(url(), `mutation ($id: ID!) { restoreVersion(id: $id) { __typename } }`, { id: unknown });
    expect(restoreMissing.restoreVersion.__typename).toBe('NotFound');
  });

  it('deletes a project with its executions; a second delete is NotFound', async () => {
    const projectId = await createProject(url(), 'doomed', greeting);
    const executionId = await runProject(url(), projectId);
    await waitForStatus(url(), executionId, ['completed']);
    const { deleteProject } = await graphqlData(url(), `mutation ($id: ID!) { deleteProject(id: $id) { ... on DeletedProject { id } } }`, { id: projectId });
    expect(deleteProject.id).toBe(projectId);
    const gone = await graphqlData(url(), `query ($id: ID!, $e: ID!) { project(id: $id) { id } execution(id: $e) { id } }`, { id: projectId, e: executionId });
    expect(gone).toEqual({ project: null, execution: null });
    const again = await graphqlData(url(), `mutation ($id: ID!) { deleteProject(id: $id) { __typename ... on Problem { message } } }`, { id: projectId });
    expect(again.deleteProject).toEqual({ __typename: 'NotFound', message: `Project ${projectId} does not exist` });
  });

  it('refuses an empty project name on create and update as InvalidInput, and an unknown project on update as NotFound', async () => {
    const created = await graphqlData(url(), `mutation { createProject(name: " ") { __typename ... on Problem { message } } }`);
    expect(created.createProject).toEqual({ __typename: 'InvalidInput', message: 'A project needs a name' });
    const projectId = await createProject(url(), 'named', greeting);
    const renamed = await graphqlData(url(), `mutation ($id: ID!) { updateProject(id: $id, name: "") { __typename } }`, { id: projectId });
    expect(renamed.updateProject.__typename).toBe('InvalidInput');
    const unknown = await graphqlData(url(), `mutation { updateProject(id: "00000000-0000-7000-8000-000000000000", name: "x") { __typename } }`);
    expect(unknown.updateProject.__typename).toBe('NotFound');
  });

  it('pages projects newest first and refuses a cursor of another list', async () => {
    const page = await graphqlData(url(), `{ projects(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }`);
    expect(page.projects.edges).toHaveLength(2);
    expect(page.projects.pageInfo.hasNextPage).toBe(true);
    const next = await graphqlData(url(), `query ($after: String) { projects(first: 100, after: $after) { edges { node { name } } } }`, { after: page.projects.pageInfo.endCursor });
    expect(page.projects.totalCount).toBe(2 + next.projects.edges.length);
    const numberCursor = Buffer.from(JSON.stringify([3, 'x'])).toString('base64url');
    const refused = await graphqlRequest(url(), `query ($after: String) { projects(first: 1, after: $after) { edges { cursor } } }`, { after: numberCursor });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
