/**
 * The weft command line.
 *   weft check FILE…   prints diagnostics as file:line:col: severity: message; exits 1 on errors
 *   weft graph FILE    prints the graph IR as JSON (FILE.layout, if present, places the nodes)
 */
import { existsSync, readFileSync } from 'node:fs';
import { compileWeft, hasErrors, type Diagnostic } from '../weft/index';

const USAGE = `usage: weft check FILE…    check Weft programs and print their diagnostics
       weft graph FILE     print the compiled graph of a Weft program as JSON`;

interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

function readSource(file: string): { code: string; layout: string } {
  const layoutFile = `${file}.layout`;
  return {
    code: readFileSync(file, 'utf8'),
    layout: existsSync(layoutFile) ? readFileSync(layoutFile, 'utf8') : '',
  };
}

export function formatDiagnostic(file: string, d: Diagnostic): string {
  const where = d.source === 'layout' ? `${file}.layout` : file;
  return `${where}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}

function check(files: string[], io: Output): number {
  let failed = false;
  for (const file of files) {
    let source;
    try {
      source = readSource(file);
    } catch (error) {
      io.err(`${file}: error: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      failed = true;
      continue;
    }
    const { diagnostics } = compileWeft(source.code, source.layout);
    for (const d of diagnostics) io.out(formatDiagnostic(file, d));
    failed ||= hasErrors(diagnostics);
  }
  return failed ? 1 : 0;
}

function graph(file: string, io: Output): number {
  let source;
  try {
    source = readSource(file);
  } catch (error) {
    io.err(`${file}: error: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return 1;
  }
  const result = compileWeft(source.code, source.layout);
  for (const d of result.diagnostics) io.err(formatDiagnostic(file, d));
  if (!result.graph) return 1;
  io.out(JSON.stringify(result.graph, null, 2));
  return 0;
}

export function runCli(args: string[], io: Output): number {
  const [command, ...files] = args;
  if (command === 'check' && files.length > 0) return check(files, io);
  if (command === 'graph' && files.length === 1) return graph(files[0]!, io);
  io.err(USAGE);
  return 2;
}

process.exitCode = runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
