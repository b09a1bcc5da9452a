/**
 * `npm run build` (and the first half of `npm start`): the Prisma client, the SPA's typed
 * GraphQL documents and the SPA bundle, each rebuilt only when its inputs changed.
 *
 * Each step's output folder keeps a hash of the step's inputs (the files' paths and contents,
 * and package-lock.json for the tools' versions); a step whose stored hash matches is skipped.
 * Independent steps run at once (the Prisma client and the documents), the bundle after the
 * documents. `--force` rebuilds everything; `--only prisma,codegen,web` runs those steps.
 * `npm start` (scripts/start.ts) starts the platform as soon as the Prisma client is there,
 * while the SPA is still being built.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const stampName = '.build-inputs';

export type StepName = 'prisma' | 'codegen' | 'web';

interface Step {
  name: StepName;
  /** Files and folders (relative to the root) whose contents the output is made from. */
  inputs: string[];
  /** Paths under an input folder that are not inputs (outputs of other steps, the step's own output). */
  ignore?: string[];
  output: string;
  after?: StepName[];
  command: [string, ...string[]];
  env?: Record<string, string>;
}

const steps: Step[] = [
  {
    name: 'prisma',
    inputs: ['prisma/schema.prisma', 'prisma.config.ts', 'package-lock.json'],
    output: 'server/db/generated',
    command: [bin('prisma'), 'generate'],
    // No Prisma engine is downloaded or needed to generate the client.
    env: { PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false' },
  },
  {
    name: 'codegen',
    inputs: ['codegen.ts', 'schema.graphql', 'web/src', 'package-lock.json'],
    ignore: ['web/src/graphql/generated'],
    output: 'web/src/graphql/generated',
    command: [bin('graphql-codegen'), '--config', 'codegen.ts'],
  },
  {
    name: 'web',
    inputs: ['web/index.html', 'web/vite.config.ts', 'web/src', 'web/public', 'package-lock.json'],
    output: 'web/dist',
    after: ['codegen'],
    command: [bin('vite'), 'build', 'web', '--logLevel', 'warn'],
  },
];

/** A hash of every input file (path and content), in a stable order. */
async function inputsHash(step: Step): Promise<string> {
  const files: string[] = [];
  for (const input of step.inputs) {
    const absolute = path.join(root, input);
    if (!existsSync(absolute)) continue;
    const entries = await readdir(absolute, { recursive: true, withFileTypes: true }).catch(() => undefined);
    if (!entries) {
      files.push(input);
      continue;
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const relative = path.relative(root, path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name));
      if (!step.ignore?.some((ignored) => relative === ignored || relative.startsWith(`${ignored}/`))) files.push(relative);
    }
  }
  const hash = createHash('sha256');
  for (const file of files.sort()) {
    hash.update(`${file}\0`);
    hash.update(await readFile(path.join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function run(step: Step): Promise<void> {
  return new Promise((resolve, reject) => {
    const [command, ...args] = step.command;
    // As npm runs scripts: the tools (and Prisma's generators) found on PATH in node_modules/.bin.
    const env = { ...process.env, ...step.env, PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}` };
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`build step ${step.name} failed (${signal ?? `exit code ${code}`}): ${step.command.join(' ')}`)),
    );
  });
}

export interface BuildReport {
  built: StepName[];
  fresh: StepName[];
  ms: Record<string, number>;
}

export interface Build {
  /** Resolves when that step is built or found fresh (at once when it was not selected). */
  step(name: StepName): Promise<void>;
  done: Promise<BuildReport>;
}

/** Starts building what is stale (or everything with `force`): steps that do not wait for each other run at once. */
export function startBuild(options: { force?: boolean; only?: StepName[]; log?: (line: string) => void } = {}): Build {
  const log = options.log ?? ((line: string) => console.log(line));
  const selected = steps.filter((step) => !options.only || options.only.includes(step.name));
  const report: BuildReport = { built: [], fresh: [], ms: {} };
  const started = new Map<StepName, Promise<void>>();
  const runStep = async (step: Step) => {
    await Promise.all((step.after ?? []).map((name) => started.get(name)));
    const began = Date.now();
    const hash = await inputsHash(step);
    const stampFile = path.join(root, step.output, stampName);
    const stored = await readFile(stampFile, 'utf8').catch(() => undefined);
    if (!options.force && stored === hash) {
      report.fresh.push(step.name);
      return;
    }
    log(`build: ${step.name} (${stored === undefined ? 'not built yet' : options.force ? 'forced' : 'inputs changed'})`);
    await run(step);
    await writeFile(stampFile, hash);
    report.built.push(step.name);
    report.ms[step.name] = Date.now() - began;
  };
  for (const step of selected) started.set(step.name, runStep(step));
  const done = Promise.all(started.values()).then(() => report);
  return { step: (name) => started.get(name) ?? Promise.resolve(), done };
}

export function build(options: Parameters<typeof startBuild>[0] = {}): Promise<BuildReport> {
  return startBuild(options).done;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const onlyIndex = args.indexOf('--only');
  const only = onlyIndex >= 0 ? (args[onlyIndex + 1]?.split(',') as StepName[]) : undefined;
  const started = Date.now();
  try {
    const report = await build({ force: args.includes('--force'), only });
    const fresh = report.fresh.length > 0 ? `; up to date: ${report.fresh.join(', ')}` : '';
    console.log(`build: ${report.built.length > 0 ? `built ${report.built.join(', ')}` : 'nothing to build'}${fresh} (${Date.now() - started} ms)`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
