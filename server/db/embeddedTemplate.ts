/**
 * A new embedded database starts as a copy of a template folder instead of running initdb.
 *
 * A fresh PGlite data folder is the same for every install of one PGlite version, and making
 * one (initdb in WASM) takes several seconds of CPU; copying a folder made once and opening it
 * takes well under one. The template is kept outside git, beside the installed packages
 * (node_modules/.cache/weftworks/pglite-<version>): `npm install` makes it (the postinstall
 * step, scripts/embedded-template.ts), or else the first start that needs one does. It holds an
 * empty database only: migrations are applied to the copy as on every start. Whatever goes wrong
 * with the template (missing, unwritable, half-made), a fresh folder is made by initdb as before.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/** Every PostgreSQL data folder has it (and PGlite runs initdb in a folder without it). */
const versionFile = 'PG_VERSION';

/** The installed PGlite package's folder and version. */
function installedPglite(): { packageDirectory: string; version: string } {
  let directory = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!existsSync(path.join(directory, 'package.json')) && path.dirname(directory) !== directory) directory = path.dirname(directory);
  const { version } = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as { version: string };
  return { packageDirectory: directory, version };
}

/** Where the template for the installed PGlite version lives (node_modules/.cache/weftworks/pglite-<version>). */
export function templateDirectory(): string {
  const { packageDirectory, version } = installedPglite();
  const nodeModules = path.dirname(path.dirname(packageDirectory)); // …/node_modules/@electric-sql/pglite
  return path.join(nodeModules, '.cache', 'weftworks', `pglite-${version}`);
}

const uniqueSuffix = () => `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;

/**
 * Makes the template if there is none yet and returns its folder. It is made aside and renamed
 * into place once PGlite has closed it, so that a process stopped halfway, or two processes
 * making it at once, never leave a half-made template where it is looked for.
 */
export async function ensureTemplate(template = templateDirectory()): Promise<string> {
  if (existsSync(path.join(template, versionFile))) return template;
  await mkdir(path.dirname(template), { recursive: true });
  const making = `${template}.making-${uniqueSuffix()}`;
  try {
    const database = await PGlite.create(making);
    await database.close();
    await rename(making, template).catch(async (error: NodeJS.ErrnoException) => {
      // Another process finished one first: use theirs.
      if (!existsSync(path.join(template, versionFile))) throw error;
    });
  } finally {
    await rm(making, { recursive: true, force: true });
  }
  return template;
}

/**
 * Fills `directory` (an empty or missing folder) with a copy of the template; resolves to false,
 * leaving the folder as it was, when there is no usable template (PGlite then runs initdb).
 * A folder that holds anything is never touched: it is an existing database, or not ours.
 */
export async function copyTemplateInto(directory: string, template = templateDirectory()): Promise<boolean> {
  const entries = await readdir(directory).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : undefined));
  if (!entries || entries.length > 0) return false;
  const copying = `${directory}.copying-${uniqueSuffix()}`;
  try {
    await ensureTemplate(template);
    await cp(template, copying, { recursive: true, errorOnExist: true, force: false });
    // Renamed into place in one step: a copy cut short is never taken for a database.
    await rmdir(directory).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(copying, directory);
    return true;
  } catch {
    await mkdir(directory, { recursive: true }).catch(() => undefined);
    return false;
  } finally {
    await rm(copying, { recursive: true, force: true });
  }
}
