/**
 * The weft command line.
 *   weft check FILE…   prints diagnostics as file:line:col: severity: message; exits 1 on errors
 *   weft graph FILE    prints the graph IR as JSON (FILE.layout, if present, places the nodes)
 *   weft run PROJECT_ID_OR_FILE, weft watch EXECUTION_ID, weft import FILE|DIR: against a
 *   running platform (see remote.ts)
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compileWeft, hasErrors, type Diagnostic } from '../weft/index';
import { checkExportLoom, checkLoomTarget, isLoomCheckTarget } from './loomCheck';
import { parseProjectImport } from '../projects/importing';
import { exportCommand, importCommand, runCommand, watchCommand, type Output, type RemoteOptions } from './remote';

const USAGE = `usage: weft check FILE…    check Weft programs, Loom pages (.loom, against the .weft beside it)
                           and JSON exports, and print their diagnostics
       weft graph FILE     print the compiled graph of a Weft program as JSON
       weft run PROJECT_ID_OR_FILE [--inputs JSON]
                           start a run (a .weft or .json file is imported first) and follow it;
                           exit code 0 completed, 1 failed, 2 cancelled, 3 could not run
       weft watch EXECUTION_ID
                           follow a run until it ends (same exit codes)
       weft import FILE|DIR
                           create projects from .weft / .json export files
       weft export PROJECT_ID
                           print a project as a JSON export (credentials stripped)
  run, watch, import and export take --url URL (default $WEFT_URL or http://localhost:4000)
  and --token TOKEN (default $WEFT_TOKEN) for a platform with auth on`;

const defaultUrl = 'http://localhost:4000';

/** A .weft file (with FILE.layout beside it, if any), or a JSON export whose weftCode and layoutCode are read. */
function readSource(file: string): { code: string; layout: string; isExport?: boolean } {
  const content = readFileSync(file, 'utf8');
  if (file.endsWith('.json')) {
    const imported = parseProjectImport(content, file);
    if ('problem' in imported) throw new NotAnExport(imported.problem);
    return { code: imported.code, layout: imported.layout, isExport: true };
  }
  const layoutFile = `${file}.layout`;
  return { code: content, layout: existsSync(layoutFile) ? readFileSync(layoutFile, 'utf8') : '' };
}

class NotAnExport extends Error {}

function readProblem(file: string, error: unknown): string {
  if (error instanceof NotAnExport) return `${file}: error: ${error.message}`;
  return `${file}: error: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
}

export function formatDiagnostic(file: string, d: Diagnostic, isExport = false): string {
  const where = d.source === 'layout' ? (isExport ? `${file} (layoutCode)` : `${file}.layout`) : file;
  return `${where}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}

function check(files: string[], io: Output): number {
  let failed = false;
  for (const file of files) {
    if (isLoomCheckTarget(file)) {
      failed = checkLoomTarget(file, io) || failed;
      continue;
    }
    let source;
    try {
      source = readSource(file);
    } catch (error) {
      io.err(readProblem(file, error));
      failed = true;
      continue;
    }
    const { diagnostics } = compileWeft(source.code, source.layout);
    for (const d of diagnostics) io.out(formatDiagnostic(file, d, source.isExport));
    failed ||= hasErrors(diagnostics);
    if (source.isExport) failed = checkExportLoom(file, io) || failed;
  }
  return failed ? 1 : 0;
}

function graph(file: string, io: Output): number {
  let source;
  try {
    source = readSource(file);
  } catch (error) {
    io.err(readProblem(file, error));
    return 1;
  }
  const result = compileWeft(source.code, source.layout);
  for (const d of result.diagnostics) io.err(formatDiagnostic(file, d, source.isExport));
  if (!result.graph) return 1;
  io.out(JSON.stringify(result.graph, null, 2));
  return 0;
}

const remoteCommands = { run: runCommand, watch: watchCommand, import: importCommand, export: exportCommand };

function remote(command: keyof typeof remoteCommands, args: string[], io: Output, environment: NodeJS.ProcessEnv): Promise<number> | number {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { url: { type: 'string' }, token: { type: 'string' }, inputs: { type: 'string' } } });
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1 || (values.inputs !== undefined && command !== 'run')) {
    io.err(USAGE);
    return 2;
  }
  let inputs: unknown;
  try {
    inputs = values.inputs === undefined ? undefined : JSON.parse(values.inputs);
  } catch {
    io.err('--inputs must be JSON: { "<trigger node id>": { "<port>": value } }');
    return 2;
  }
  const options: RemoteOptions = { url: values.url ?? environment.WEFT_URL ?? defaultUrl, token: values.token ?? environment.WEFT_TOKEN, inputs };
  return remoteCommands[command](positionals[0]!, options, io);
}

export function runCli(args: string[], io: Output, environment: NodeJS.ProcessEnv = {}): Promise<number> | number {
  const [command, ...rest] = args;
  if (command === 'check' && rest.length > 0) return check(rest, io);
  if (command === 'graph' && rest.length === 1) return graph(rest[0]!, io);
  if (command === 'run' || command === 'watch' || command === 'import' || command === 'export') return remote(command, rest, io, environment);
  io.err(USAGE);
  return 2;
}

const terminal = process.stdout.isTTY;
const clearLine = '\r\x1b[2K';
let progressShown = '';

function print(stream: NodeJS.WriteStream, text: string): void {
  // The progress line stays the last line: clear it, print, draw it again.
  stream.write(`${progressShown ? clearLine : ''}${text}\n${progressShown}`);
}

const exitCode = await runCli(process.argv.slice(2), {
  out: (text) => print(process.stdout, text),
  err: (text) => print(process.stderr, text),
  progress: terminal
    ? (text) => {
        progressShown = text;
        process.stdout.write(`${clearLine}${text}`);
      }
    : undefined,
}, process.env);
process.exitCode = exitCode;
