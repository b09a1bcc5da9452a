import { execFile } from 'node:child_process';
import { appendFile, cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

/*
 * `npm start` and `npm run build` rebuild only what is stale: in a copy of the checkout (its
 * tracked files and what `npm test`'s build made), nothing is rebuilt, and changing an input
 * rebuilds the steps made from it and no other.
 */

const run = promisify(execFile);
const projectRoot = path.resolve(import.meta.dirname, '..');
const built = ['server/db/generated', 'web/src/graphql/generated', 'web/dist'];

async function build(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('node', ['--import', 'tsx', 'scripts/build.ts', ...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').filter((line) => line.startsWith('build: ')).at(-1) ?? '';
}

describe('the build skips what is fresh', () => {
  let copy: string;
  beforeAll(async () => {
    copy = await mkdtemp(path.join(os.tmpdir(), 'weft-build-'));
    const { stdout } = await run('git', ['ls-files', '-z'], { cwd: projectRoot, maxBuffer: 64 * 1024 * 1024 });
    for (const file of stdout.split('\0').filter(Boolean)) {
      await mkdir(path.dirname(path.join(copy, file)), { recursive: true });
      await cp(path.join(projectRoot, file), path.join(copy, file)).catch(() => undefined);
    }
    await symlink(path.join(projectRoot, 'node_modules'), path.join(copy, 'node_modules'));
    // Built as `npm test` builds before it runs the tests, so the copy starts up to date.
    await build(projectRoot);
    for (const output of built) await cp(path.join(projectRoot, output), path.join(copy, output), { recursive: true });
  }, 180_000);
  afterAll(async () => {
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  it('builds nothing when nothing changed, and only the SPA steps after a change in web/src', async () => {
    expect(await build(copy)).toMatch(/^build: nothing to build; up to date: prisma, codegen, web/);
    await appendFile(path.join(copy, 'web/src/main.tsx'), '\n// a change\n');
    expect(await build(copy)).toMatch(/^build: built codegen, web; up to date: prisma /);
    expect(await build(copy)).toMatch(/^build: nothing to build/);
    await appendFile(path.join(copy, 'prisma/schema.prisma'), '\n// a change\n');
    expect(await build(copy, '--only', 'prisma')).toMatch(/^build: built prisma \(/);
  }, 180_000);
});
