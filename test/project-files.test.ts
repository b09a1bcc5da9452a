/**
 * Project files in the reference Weft's JSON export shape ({name, description, weftCode, layoutCode,
 * loomCode}) on a real platform: a tutorial-like export (examples/triage.export.json: a group run in
 * lanes, a Gate, a gather, ExecPython, a credential, a layout with scoped ids, sizes and group states,
 * a runner page) is imported through the API and through `weft import`, run with each node's and
 * lane's outcome checked, and exported again in the same shape with the credential stripped.
 */
import { describe, expect, it } from '@jest/globals';
import { execa } from 'execa';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { graphqlData } from './support/graphql';
import { examplesDirectory, runProject, waitForStatus } from './support/executions';
import { usePlatform } from './support/usePlatform';

const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function weft(args: string[]) {
  return execa('node', [path.join(projectRoot, 'server/cli/weft.js'), ...args], { cwd: projectRoot, reject: false, env: {}, timeout: 60_000 });
}

interface Export {
  name: string;
  description: string;
  weftCode: string;
  layoutCode: string;
  loomCode: string;
}

const readFixture = async () => JSON.parse(await readFile(new URL('triage.export.json', examplesDirectory), 'utf8')) as Export;

/** The fixture's own secret, which no export may carry. */
const SECRET = 'sk-live-abc123';

const importMutation = `mutation ($content: String!, $fileName: String) { importProject(content: $content, fileName: $fileName) {
  __typename
  ... on Project { id name description layout loomCode diagnostics { severity message }
    graph { nodes { id localId parent kind position { x y } size { width height } expanded autoPlaced laneDepth } } }
  ... on Problem { message } } }`;

const exportQuery = `query ($id: ID!) { exportProject(id: $id) { ... on ProjectExport { name description weftCode layoutCode loomCode json } } }`;

/** Each lane of a node (`1`, '' outside lanes) with its status, in lane order. */
function laneStatuses(runs: { nodeId: string; lane: number[]; status: string }[], nodeId: string): [string, string][] {
  return runs
    .filter((r) => r.nodeId === nodeId)
    .map((r): [string, string] => [r.lane.join('.'), r.status])
    .sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }));
}

describe('project files in the reference export shape', () => {
  const platform = usePlatform();
  const url = () => platform.current.graphqlUrl;

  it('imports a tutorial-like export with its layout and runner page, runs it node by node and lane by lane, and exports it back, credential stripped', async () => {
    const original = await readFixture();
    const { importProject } = await graphqlData(url(), importMutation, { content: JSON.stringify(original), fileName: 'triage.export.json' });
    expect(importProject).toMatchObject({ __typename: 'Project', name: 'Support triage', description: original.description, layout: original.layoutCode, loomCode: original.loomCode });
    expect(importProject.diagnostics.filter((d: { severity: string }) => d.severity === 'error')).toEqual([]);

    // The layout text places every node, group children by their scoped ids, with sizes and group states.
    const node = (id: string) => importProject.graph.nodes.find((n: { id: string }) => n.id === id);
    expect(importProject.graph.nodes.every((n: { autoPlaced: boolean }) => !n.autoPlaced)).toBe(true);
    expect(node('triage')).toMatchObject({ kind: 'group', position: { x: 380, y: 40 }, size: { width: 760, height: 360 }, expanded: true });
    expect(node('triage.score')).toMatchObject({ localId: 'score', parent: 'triage', position: { x: 40, y: 80 }, laneDepth: 1 });
    expect(node('triage.say')).toMatchObject({ position: { x: 400, y: 80 }, size: { width: 280, height: 140 } });
    expect(node('report')).toMatchObject({ position: { x: 1860, y: 80 }, expanded: false });

    const execution = await waitForStatus(url(), await runProject(url(), importProject.id), ['completed', 'failed']);
    expect(execution.status).toBe('completed');
    for (const root of ['tickets', 'threshold', 'settings']) expect(laneStatuses(execution.runs, root)).toEqual([['', 'completed']]);
    expect(execution.node('settings')?.output).toMatchObject({ config: { model: 'gpt-4o-mini' } });
    for (const inGroup of ['triage.score', 'triage.say', 'keep']) {
      expect(laneStatuses(execution.runs, inGroup)).toEqual([['0', 'completed'], ['1', 'completed'], ['2', 'completed']]);
    }
    expect(execution.node('triage.score', [1])).toMatchObject({ inputs: { ticket: 'The whole site is down!', limit: 10 }, output: { score: 23, urgent: true } });
    expect(execution.node('triage.say', [2])).toMatchObject({ output: { text: 'Thanks (6)' } });
    expect(execution.node('keep', [2])).toMatchObject({ inputs: { pass: false, value: 'Thanks (6)' }, output: { value: null } });
    expect(execution.node('urgent')).toMatchObject({ status: 'completed', lane: [], inputs: { lines: ['Refund please (13)', 'The whole site is down! (23)', null] } });
    expect(execution.node('report')).toMatchObject({ status: 'completed', inputs: { data: { lines: ['Refund please (13)', 'The whole site is down! (23)', null] } } });

    const { exportProject } = await graphqlData(url(), exportQuery, { id: importProject.id });
    const { json, ...exported } = exportProject;
    expect(exported).toEqual({ ...original, weftCode: original.weftCode.replace(`apiKey: "${SECRET}"`, 'apiKey: ""') });
    expect(JSON.parse(json)).toEqual(exported);
    expect(json).not.toContain(SECRET);
  });

  it('keeps a layout moved after import as its text, in the export', async () => {
    const original = await readFixture();
    const { importProject } = await graphqlData(url(), importMutation, { content: JSON.stringify(original), fileName: 'triage.export.json' });
    const moved = original.layoutCode.replace('triage @layout 380 40 760x360 expanded', 'triage @layout 400 60 800x380 collapsed').replace('triage.say @layout 400 80 280x140', 'triage.say @layout 420.5 -10');
    const { updateProject } = await graphqlData(url(), `mutation ($id: ID!, $layout: String!) { updateProject(id: $id, layout: $layout) {
      ... on Project { graph { nodes { id position { x y } size { width height } expanded } } } } }`, { id: importProject.id, layout: moved });
    const node = (id: string) => updateProject.graph.nodes.find((n: { id: string }) => n.id === id);
    expect(node('triage')).toMatchObject({ position: { x: 400, y: 60 }, size: { width: 800, height: 380 }, expanded: false });
    expect(node('triage.say')).toMatchObject({ position: { x: 420.5, y: -10 }, size: null });
    const { exportProject } = await graphqlData(url(), exportQuery, { id: importProject.id });
    expect(exportProject.layoutCode).toBe(moved);
  });

  it('says what is wrong with a file that is not an export, and creates nothing', async () => {
    const count = async () => (await graphqlData(url(), '{ projects { totalCount } }')).projects.totalCount as number;
    const before = await count();
    const notJson = await graphqlData(url(), importMutation, { content: '{ "name": "half', fileName: 'broken.json' });
    expect(notJson.importProject).toMatchObject({ __typename: 'InvalidInput', message: expect.stringContaining('not valid JSON') });
    const noCode = await graphqlData(url(), importMutation, { content: JSON.stringify({ name: 'x', layoutCode: '' }), fileName: 'x.json' });
    expect(noCode.importProject.message).toContain('no weftCode');
    const wrongType = await graphqlData(url(), importMutation, { content: JSON.stringify({ name: 'x', weftCode: 'a = Text {}', layoutCode: 5 }), fileName: 'x.json' });
    expect(wrongType.importProject.message).toContain('layoutCode must be text');
    expect(await count()).toBe(before);
  });

  it('weft import, run and export take the same file: the run completes and the export is the file less its credential', async () => {
    const original = await readFixture();
    const folder = await mkdtemp(path.join(os.tmpdir(), 'weft-project-files-'));
    const file = path.join(folder, 'triage.json');
    await writeFile(file, JSON.stringify(original, null, 2));
    const checked = await weft(['check', file]);
    expect(checked.exitCode).toBe(0);
    expect(checked.stdout).not.toContain(': error:');

    const imported = await weft(['import', file, '--url', platform.current.url]);
    expect(imported.exitCode).toBe(0);
    const projectId = /imported as project ([0-9a-f-]{36})/.exec(imported.stdout)?.[1];
    expect(projectId).toBeDefined();
    const ran = await weft(['run', projectId!, '--url', platform.current.url]);
    expect(ran.exitCode).toBe(0);
    expect(ran.stdout).toContain('report completed');

    const exported = await weft(['export', projectId!, '--url', platform.current.url]);
    expect(exported.exitCode).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual({ ...original, weftCode: original.weftCode.replace(`apiKey: "${SECRET}"`, 'apiKey: ""') });
  }, 90_000);
});
