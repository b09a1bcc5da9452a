import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { graphqlData, graphqlRequest } from './support/graphql';
import { usePlatform } from './support/usePlatform';

const broken = `source = Text { value: "x" }
shout = Template(word: String) { template: "{{word}}!" }
shout.word = source.vaule
other = Txet { value: "y" }
`;

describe('projects are Weft code', () => {
  const platform = usePlatform();
  const gql = (query: string, variables?: Record<string, unknown>) => graphqlData(platform.current.graphqlUrl, query, variables);


  it('checkWeft reports every problem at once with line, column and a suggestion, and saves nothing', async () => {
    const before = await gql(`{ projects { totalCount } }`);
    const { checkWeft } = await gql(`query ($code: String!) { checkWeft(code: $code) { ok diagnostics { severity code message line column } } }`, { code: broken });
    expect(checkWeft.ok).toBe(false);
    const errors = checkWeft.diagnostics.filter((d: { severity: string }) => d.severity === 'error');
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 3, column: 1, message: expect.stringContaining("did you mean 'value'") }),
        expect.objectContaining({ line: 4, column: 1, message: expect.stringContaining("did you mean 'Text'") }),
      ]),
    );
    const after = await gql(`{ projects { totalCount } }`);
    expect(after.projects.totalCount).toBe(before.projects.totalCount);
  });

  it('saves code that does not compile, but refuses to run it and says why', async () => {
    const { createProject } = await gql(`mutation ($code: String!) { createProject(name: "WIP", code: $code) { ... on Project { id diagnostics { severity } } } }`, { code: broken });
    expect(createProject.diagnostics.some((d: { severity: string }) => d.severity === 'error')).toBe(true);

    const refused = await graphqlRequest(platform.current.graphqlUrl, `mutation ($id: ID!) { runProject(projectId: $id) { ... on ProgramHasErrors { code message diagnostics { line message } } } }`, { id: createProject.id });
    expect(refused.data?.runProject.code).toBe('PROGRAM_HAS_ERRORS');
    expect(refused.data?.runProject.diagnostics).toHaveLength(3);
    expect(refused.data?.runProject.message).toMatch(/^The program does not compile \(3 errors\):\n2:1: Node shout: required input port 'word'[^\n]*\n3:1: [^\n]*did you mean 'value'/);
    const { project } = await gql(`query ($id: ID!) { project(id: $id) { executions { totalCount } } }`, { id: createProject.id });
    expect(project.executions.totalCount).toBe(0);
  });

  it('draws the compiled graph of the current code, and of the version an execution ran', async () => {
    const lanes = await readFile(new URL('../examples/lanes.weft', import.meta.url), 'utf8');
    const { createProject } = await gql(`mutation ($code: String!) { createProject(name: "lanes", code: $code) { ... on Project { id } } }`, { code: lanes });
    const { project } = await gql(`query ($id: ID!) {
      project(id: $id) {
        diagnostics { severity message }
        graph { nodes { id kind parent inputs { name type lane { mode depth } } } edges { source { node port } target { node port } } }
      } }`, { id: createProject.id });
    expect(project.diagnostics.filter((d: { severity: string }) => d.severity === 'error')).toEqual([]);
    const byId = new Map(project.graph.nodes.map((node: { id: string }) => [node.id, node]));
    expect(byId.get('price_all')).toMatchObject({ kind: 'group' });
    expect(byId.get('price_all.price')).toMatchObject({ kind: 'node', parent: 'price_all' });
    expect(byId.get('report')).toMatchObject({ inputs: [{ name: 'totals', type: 'List[Number | Null]', lane: { mode: 'gather', depth: 1 } }] });

    const hello = 'greeting = Text { value: "hi" }';
    await gql(`mutation ($id: ID!, $code: String!) { updateProject(id: $id, code: $code) { ... on Project { id } } }`, { id: createProject.id, code: hello });
    const { runProject } = await gql(`mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } } }`, { id: createProject.id });
    await gql(`mutation ($id: ID!, $code: String!) { updateProject(id: $id, code: $code) { ... on Project { id } } }`, {
      id: createProject.id,
      code: 'changed = Number { value: 1 }',
    });
    const { execution } = await gql(`query ($id: ID!) { execution(id: $id) { graph { nodes { id type } } } }`, { id: runProject.id });
    expect(execution.graph.nodes).toEqual([{ id: 'greeting', type: 'Text' }]);
  });

  it('imports a project from the public JSON export and from a Weft file, and refuses a broken export', async () => {
    const exported = JSON.stringify({ name: 'Exported', description: 'from elsewhere', weftCode: 'a = Text { value: "x" }', layoutCode: 'a @layout 40 80', loomCode: 'kept' });
    const { importProject } = await gql(`mutation ($content: String!) { importProject(content: $content, fileName: "p.json") { ... on Project { name description code layout graph { nodes { id position { x y } } } } } }`, { content: exported });
    expect(importProject).toEqual({
      name: 'Exported', description: 'from elsewhere', code: 'a = Text { value: "x" }', layout: 'a @layout 40 80',
      graph: { nodes: [{ id: 'a', position: { x: 40, y: 80 } }] },
    });
    const weft = await readFile(new URL('../examples/hello.weft', import.meta.url), 'utf8');
    const fromWeft = await gql(`mutation ($content: String!) { importProject(content: $content, fileName: "hello.weft") { ... on Project { name description } } }`, { content: weft });
    expect(fromWeft.importProject).toEqual({ name: 'hello', description: 'Two numbers are added in Python and shown by a Debug node.' });
    const refusal = await graphqlRequest(platform.current.graphqlUrl, `mutation ($content: String!) { importProject(content: $content, fileName: "p.json") { ... on InvalidInput { message } } }`, {
      content: '{"name": "x"}',
    });
    expect(refusal.data?.importProject.message).toBe('The export has no weftCode: is it a project export?');
  });

  it('lists the node catalog with config schemas for the palette', async () => {
    const { nodeTypes } = await gql(`{ nodeTypes { type category isTrigger configSchema } }`);
    const types = nodeTypes.map((entry: { type: string }) => entry.type);
    expect(types).toEqual(expect.arrayContaining(['Text', 'Template', 'ExecPython', 'HumanQuery', 'Cron', 'ApiPost', 'Group']));
    expect(nodeTypes.find((entry: { type: string }) => entry.type === 'Cron')).toMatchObject({ isTrigger: true, configSchema: { type: 'object' } });
  });
});
