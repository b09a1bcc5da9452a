import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { copyTemplateInto, ensureTemplate, templateDirectory } from './embeddedTemplate';

describe('a new embedded database starts as a copy of a template', () => {
  let folder: string;
  let template: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'weft-template-'));
    template = path.join(folder, 'template'); // not the installed one: made here by the first copy
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('is kept beside the installed packages, named by the PGlite version', () => {
    const nodeModules = path.resolve(templateDirectory(), '..', '..', '..');
    const { version } = JSON.parse(readFileSync(path.join(nodeModules, '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };
    expect(path.basename(nodeModules)).toBe('node_modules');
    expect(templateDirectory()).toBe(path.join(nodeModules, '.cache', 'weftworks', `pglite-${version}`));
  });

  it('makes the template when there is none, fills an empty folder with it, and the copy is a working database', async () => {
    const data = path.join(folder, 'data-a');
    await mkdir(data);
    expect(await copyTemplateInto(data, template)).toBe(true);
    expect(existsSync(path.join(template, 'PG_VERSION'))).toBe(true);
    expect(existsSync(path.join(data, 'PG_VERSION'))).toBe(true);
    const database = await PGlite.create(data);
    await database.exec('CREATE TABLE note (text text); INSERT INTO note VALUES ($$kept$$)');
    await database.close();
    // Nothing of the copy went into the template, and nothing was left aside.
    const again = await PGlite.create(data);
    expect((await again.query<{ text: string }>('SELECT text FROM note')).rows).toEqual([{ text: 'kept' }]);
    await again.close();
    const fresh = path.join(folder, 'data-b'); // a folder that does not exist yet
    expect(await copyTemplateInto(fresh, template)).toBe(true);
    const other = await PGlite.create(fresh);
    expect((await other.query(`SELECT 1 FROM pg_tables WHERE tablename = 'note'`)).rows).toEqual([]);
    await other.close();
    expect((await readdir(folder)).sort()).toEqual(['data-a', 'data-b', 'template']);
  }, 120_000);

  it('never touches a folder that holds anything (an existing database, or files that are not ours)', async () => {
    const existing = path.join(folder, 'data-a');
    const before = (await readdir(existing)).sort();
    expect(await copyTemplateInto(existing, template)).toBe(false);
    expect((await readdir(existing)).sort()).toEqual(before);
    const foreign = path.join(folder, 'foreign');
    await mkdir(foreign);
    await writeFile(path.join(foreign, 'notes.txt'), 'mine');
    expect(await copyTemplateInto(foreign, template)).toBe(false);
    expect(await readdir(foreign)).toEqual(['notes.txt']);
    expect(await readFile(path.join(foreign, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('leaves the folder empty (PGlite then runs initdb) when no template can be made', async () => {
    const blocked = path.join(folder, 'blocked');
    await writeFile(blocked, 'a file where the template folder would go');
    const data = path.join(folder, 'data-c');
    await mkdir(data);
    expect(await copyTemplateInto(data, path.join(blocked, 'template'))).toBe(false);
    expect(await readdir(data)).toEqual([]);
    expect(await ensureTemplate(template)).toBe(template);
  });
});
