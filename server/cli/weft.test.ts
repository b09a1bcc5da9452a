import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { examplesPath } from '../../test/support/executions';

const ROOT = new URL('../..', import.meta.url).pathname;
const EXAMPLES = examplesPath;

/** Runs the installed entry point, the way `npx weft` does. */
function weft(...args: string[]) {
  const run = spawnSync(process.execPath, [join(ROOT, 'server/cli/weft.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function writeTemp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('weft CLI', () => {
  it('check passes every shared example, programs and JSON exports, with exit code 0 and no error', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.weft') || f.endsWith('.json')).map((f) => join(EXAMPLES, f));
    expect(files.some((f) => f.endsWith('.json'))).toBe(true);
    const result = weft('check', ...files);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).not.toContain(': error:');
  });

  it('check prints file:line:col: severity: message and exits 1 on errors', () => {
    const dir = writeTemp({
      'bad.weft': 'greet = Txt { value: "x" }\nshow = Debug\nshow.data = gret.value\n',
      'fine.weft': 't = Text { value: "x" }\n',
    });
    const result = weft('check', join(dir, 'bad.weft'), join(dir, 'fine.weft'));
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([
      `${join(dir, 'bad.weft')}:1:1: error: Unknown node type: Txt (did you mean 'Text'?)`,
      `${join(dir, 'bad.weft')}:2:1: error: Node show: required input port 'data' is not connected (wire an edge, this port cannot be filled by config)`,
      `${join(dir, 'bad.weft')}:2:1: error: show: Data input is required`,
      `${join(dir, 'bad.weft')}:3:1: error: Connection references unknown source node: gret`,
      `${join(dir, 'fine.weft')}:1:1: warning: Node t (Text): has outputs (value) but none are connected to other nodes. Consider connecting it or removing it.`,
    ]);
  });

  it('check exits 0 when there are only warnings', () => {
    const dir = writeTemp({ 'warn.weft': 't = Text { value: "x" }\n' });
    expect(weft('check', join(dir, 'warn.weft')).code).toBe(0);
  });

  it('check reports a file it cannot read', () => {
    const result = weft('check', '/nonexistent/x.weft');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('/nonexistent/x.weft: error: cannot read the file (ENOENT)');
  });

  it('graph prints the IR as JSON, placed by the sibling FILE.layout', () => {
    const dir = writeTemp({
      'flow.weft': 'n = Number { value: 2 }\nshow = Debug\nshow.data = n.value\n',
      'flow.weft.layout': 'n @layout 10 20\nghost @layout 0 0\n',
    });
    const result = weft('graph', join(dir, 'flow.weft'));
    expect(result.code).toBe(0);
    const graph = JSON.parse(result.stdout);
    expect(graph.nodes.map((n: { id: string; position: unknown }) => [n.id, n.position])).toEqual([
      ['n', { x: 10, y: 20 }], ['show', expect.any(Object)],
    ]);
    expect(graph.edges).toHaveLength(1);
    expect(graph.executable.order).toEqual(['n', 'show']);
    expect(result.stderr).toContain(`${join(dir, 'flow.weft')}.layout:2:1: warning: the layout places "ghost"`);
  });

  it('check takes a JSON export, checking its weftCode and layoutCode', () => {
    const dir = writeTemp({
      'good.json': JSON.stringify({ name: 'g', description: '', weftCode: 'n = Number { value: 2 }\nshow = Debug\nshow.data = n.value', layoutCode: 'n @layout 1 2' }),
      'bad.json': JSON.stringify({ name: 'b', description: '', weftCode: 'show = Debug\nshow.data = nope.value', layoutCode: '' }),
    });
    expect(weft('check', join(dir, 'good.json'))).toMatchObject({ code: 0 });
    const bad = weft('check', join(dir, 'bad.json'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('2:1: error: Connection references unknown source node: nope');
  });

  it("check reports an export's layoutCode problems at their line in the layout, and its loomCode's", () => {
    const weftCode = 'g = Group(x: String?) -> (y: String?) {\n  t = Text { value: "a" }\n  self.y = t.value\n}\nshow = Debug\nshow.data = g.y';
    const dir = writeTemp({
      'placed.json': JSON.stringify({ name: 'p', description: '', weftCode, layoutCode: 'g @layout 0 0 400x300 expanded\ng.t @layout 20 40\nshow @layout 500 0 collapsed', loomCode: '' }),
      'misplaced.json': JSON.stringify({
        name: 'm', description: '', weftCode, loomCode: 'output show nothing',
        layoutCode: 'g @layout 0 0 400x300 expanded\ng.ghost @layout 20 40\nshow @layout somewhere',
      }),
    });
    const placed = weft('check', join(dir, 'placed.json'));
    expect(placed).toMatchObject({ code: 0 });
    expect(placed.stdout).not.toContain('layoutCode');
    const misplaced = weft('check', join(dir, 'misplaced.json'));
    const lines = misplaced.stdout.trim().split('\n');
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${join(dir, 'misplaced.json')} \\(layoutCode\\):2:1: warning: the layout places "g.ghost", which is not a node of the program`)));
    expect(lines).toContainEqual(`${join(dir, 'misplaced.json')} (layoutCode):3:1: warning: a layout line reads "id @layout X Y", optionally followed by WxH and expanded or collapsed`);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${join(dir, 'misplaced.json')} \\(loomCode\\):1:1: error: `)));
    expect(misplaced.code).toBe(1);
  });

  it('graph takes a JSON export, placed by its layoutCode', () => {
    const dir = writeTemp({
      'flow.json': JSON.stringify({ name: 'f', description: '', weftCode: 'n = Number { value: 2 }\nshow = Debug\nshow.data = n.value', layoutCode: 'n @layout 10 20' }),
    });
    const result = weft('graph', join(dir, 'flow.json'));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).nodes.find((n: { id: string }) => n.id === 'n').position).toEqual({ x: 10, y: 20 });
  });

  it('graph refuses a program with errors, printing why', () => {
    const dir = writeTemp({ 'bad.weft': 'show = Debug\nshow.data = nope.value\n' });
    const result = weft('graph', join(dir, 'bad.weft'));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('bad.weft:2:1: error: Connection references unknown source node: nope');
  });

  it('prints usage and exits 2 without a command', () => {
    const result = weft();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: weft check FILE');
  });
});
