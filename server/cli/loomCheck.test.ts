import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

function weft(...args: string[]) {
  const run = spawnSync(process.execPath, [join(ROOT, 'server/cli/weft.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function writeTemp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-loom-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const program = 'topic = Text { value: "cats" }\nshout = Template(t: String) { template: "{{t}}!" }\nshout.t = topic.value\n';

describe('weft check for Loom', () => {
  it('checks a .loom file against the .weft beside it: bindings and parse errors by line, exit 1', () => {
    const dir = writeTemp({
      'page.weft': program,
      'page.loom': 'hero title:"Shout"\nfield topic valu\noutput shout txt\nbogus\n',
    });
    const result = weft('check', join(dir, 'page.loom'));
    expect(result.stdout.trim().split('\n')).toEqual([
      `${join(dir, 'page.loom')}:2:1: error: field topic valu: a Text node has no config field "valu"; did you mean "value"?`,
      `${join(dir, 'page.loom')}:3:1: error: output shout txt: shout (Template) has no output port "txt"; did you mean "text"?`,
      `${join(dir, 'page.loom')}:4:1: error: Unexpected line: bogus`,
    ]);
    expect(result.code).toBe(1);
  });

  it('passes a good page, and a JSON export with weftCode and loomCode', () => {
    const dir = writeTemp({
      'good.weft': program,
      'good.loom': 'field topic value\noutput shout text\ncta label:"Go"\n',
      'export.json': JSON.stringify({ name: 'x', weftCode: program, loomCode: 'field topic value\noutput shout text' }),
    });
    const result = weft('check', join(dir, 'good.loom'), join(dir, 'export.json'));
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/good\.loom|\(loomCode\)/); // Weft's own warnings may be printed for the export
    expect(result.stderr).toBe('');
  });

  it('reports the loomCode of a JSON export under "file (loomCode)"', () => {
    const dir = writeTemp({ 'export.json': JSON.stringify({ weftCode: program, loomCode: 'text ok\noutput nobody value' }) });
    const result = weft('check', join(dir, 'export.json'));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${join(dir, 'export.json')} (loomCode):2:1: error: output nobody value: no node "nobody"`);
  });
});
