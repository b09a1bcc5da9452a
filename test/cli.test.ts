import { describe, expect, it } from '@jest/globals';
import { execa } from 'execa';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { graphqlData } from './support/graphql';
import { createProject, examplesDirectory, readExample } from './support/executions';
import { eventually } from './support/triggers';
import { usePlatform } from './support/usePlatform';

const projectRoot = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');

/** The installed entry point, as `npx weft` runs it, with output piped (no progress line). */
function weft(args: string[], env: Record<string, string> = {}) {
  return execa('node', [path.join(projectRoot, 'server/cli/weft.js'), ...args], { cwd: projectRoot, reject: false, env, timeout: 60_000 });
}

async function temporaryFolder(files: Record<string, string>): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'weft-cli-run-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(folder, name), text);
  return folder;
}

describe('the weft CLI against a running platform', () => {
  const platform = usePlatform();
  const url = () => platform.current.url;

  it('run FILE imports the file, runs it, prints each node event and exits 0 when it completes', async () => {
    const file = new URL('hello.weft', examplesDirectory).pathname;
    const result = await weft(['run', file, '--url', url()]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/hello\.weft: imported as project [0-9a-f-]{36} \(hello\)/);
    expect(result.stdout).toMatch(/^ {2}✓ sum completed$/m);
    expect(result.stdout).toMatch(/^ {2}✓ show completed$/m);
    expect(result.stdout).toMatch(/execution [0-9a-f-]{36} completed$/);
  }, 60_000);

  it('run PROJECT_ID exits 1 when the run fails, with the error; WEFT_URL names the platform', async () => {
    const projectId = await createProject(`${url()}/graphql`, 'failure', await readExample('failure'));
    const result = await weft(['run', projectId], { WEFT_URL: url() });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^ {2}✗ broken failed: .*division by zero/m);
    expect(result.stdout).toMatch(/^ {2}– after_broken skipped$/m);
    expect(result.stdout).toMatch(/execution [0-9a-f-]{36} failed: broken: /);
  }, 60_000);

  it('run passes --inputs to the trigger nodes', async () => {
    const projectId = await createProject(`${url()}/graphql`, 'webhook', await readExample('webhook'));
    const result = await weft(['run', projectId, '--url', url(), '--inputs', JSON.stringify({ hook: { city: 'Oslo', degrees: 4 } })]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/✓ line completed/);
  }, 60_000);

  it('watch follows a running execution and exits 2 when it is cancelled', async () => {
    const projectId = await createProject(`${url()}/graphql`, 'approval', await readExample('approval'));
    const { runProject } = await graphqlData(`${url()}/graphql`, `mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } } }`, { id: projectId });
    const watching = weft(['watch', runProject.id, '--url', url()]);
    let printed = '';
    watching.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    await eventually(async () => printed, (text) => text.includes('review waiting for input'), 30_000);
    await graphqlData(`${url()}/graphql`, `mutation ($id: ID!) { cancelExecution(id: $id) { __typename } }`, { id: runProject.id });
    const result = await watching;
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toMatch(/^ {2}✓ draft completed$/m);
    expect(result.stdout).toMatch(new RegExp(`execution ${runProject.id} cancelled`));
  }, 60_000);

  it('watch of a finished execution replays it and exits with its status', async () => {
    const run = await weft(['run', new URL('hello.weft', examplesDirectory).pathname, '--url', url()]);
    const executionId = /execution ([0-9a-f-]{36}) started/.exec(run.stdout)![1]!;
    const watched = await weft(['watch', executionId, '--url', url()]);
    expect(watched.exitCode).toBe(0);
    expect(watched.stdout).toContain('✓ show completed');
  }, 60_000);

  it('import DIR creates one project per .weft or .json file; unknown ids and unreachable platforms exit 3', async () => {
    const folder = await temporaryFolder({
      'a.weft': '# Project: from a\nt = Text { value: "a" }\n',
      'b.json': JSON.stringify({ name: 'from b', description: '', weftCode: 't = Text { value: "b" }', layoutCode: '' }),
      'notes.txt': 'ignored',
    });
    const imported = await weft(['import', folder, '--url', url()]);
    expect(imported.exitCode).toBe(0);
    expect(imported.stdout).toMatch(/a\.weft: imported as project [0-9a-f-]{36} \(from a\)/);
    expect(imported.stdout).toMatch(/b\.json: imported as project [0-9a-f-]{36} \(from b\)/);
    expect(imported.stdout).not.toContain('notes.txt');

    const unknown = await weft(['run', '0190f3f0-0000-7000-8000-000000000000', '--url', url()]);
    expect(unknown.exitCode).toBe(3);
    expect(unknown.stderr).toContain('NotFound');
    const unreachable = await weft(['watch', '0190f3f0-0000-7000-8000-000000000000', '--url', 'http://127.0.0.1:9']);
    expect(unreachable.exitCode).toBe(3);
  }, 60_000);

  it('export PROJECT_ID prints the reference JSON export, credentials stripped, which import and run take back', async () => {
    const code = [
      'hook = ApiPost -> (city: String) {',
      '  apiKey: "hook-secret"',
      '}',
      'who = Text { value: "Dana" }',
      'greet = Template(name: String) { template: "Hello {{name}}" }',
      'greet.name = who.value',
      'show = Debug',
      'show.data = greet.text',
    ].join('\n');
    const projectId = await createProject(platform.current.graphqlUrl, 'exported', code);
    const exported = await weft(['export', projectId, '--url', url()]);
    expect(exported.exitCode).toBe(0);
    const file = JSON.parse(exported.stdout);
    expect(Object.keys(file).sort()).toEqual(['description', 'layoutCode', 'loomCode', 'name', 'weftCode']);
    expect(file).toMatchObject({ name: 'exported', weftCode: code.replace('"hook-secret"', '""') });

    const folder = await temporaryFolder({ 'exported.json': exported.stdout });
    const checked = await weft(['check', path.join(folder, 'exported.json')]);
    expect(checked.stdout).not.toContain(': error:');
    const again = await weft(['run', path.join(folder, 'exported.json'), '--url', url()]);
    expect(again.stdout).toMatch(/exported\.json: imported as project [0-9a-f-]{36} \(exported\)/);
    expect(again.stdout).toContain('show completed');
    expect(again.exitCode).toBe(0);

    const missing = await weft(['export', '0190f3f0-0000-7000-8000-000000000000', '--url', url()]);
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toContain('NotFound');
  }, 60_000);
});
