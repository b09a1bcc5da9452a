/**
 * `weft check` for Loom: a `.loom` file (checked against the `.weft` file of the same name
 * beside it, when there is one) and the `loomCode` of a project's JSON export (against its
 * `weftCode`). Lines are `file:line:col: severity: message`, as for Weft.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { LoomDiagnostic } from '../loom/manifest';
import { checkLoom } from '../loom/projectPage';

interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const isLoomCheckTarget = (file: string) => file.endsWith('.loom');

const format = (where: string, d: { line: number; column: number; severity: string; message: string }) =>
  `${where}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;

const failed = (diagnostics: readonly LoomDiagnostic[]) => diagnostics.some((d) => d.severity === 'error');

/** Checks a .loom file; true when it has errors. */
export function checkLoomTarget(file: string, io: Io): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    io.err(`${file}: error: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return true;
  }
  const weftFile = file.replace(/\.loom$/, '.weft');
  const weft = existsSync(weftFile) ? readFileSync(weftFile, 'utf8') : undefined;
  const layout = existsSync(`${weftFile}.layout`) ? readFileSync(`${weftFile}.layout`, 'utf8') : '';
  const diagnostics = checkLoom(text, weft, layout);
  for (const d of diagnostics) io.out(format(file, d));
  return failed(diagnostics);
}

/** Checks the loomCode of a JSON export against its weftCode (Weft's own check reads the rest); true when it has errors. */
export function checkExportLoom(file: string, io: Io): boolean {
  let exported: { weftCode?: unknown; loomCode?: unknown; layoutCode?: unknown };
  try {
    exported = JSON.parse(readFileSync(file, 'utf8')) as typeof exported;
  } catch {
    return false; // reported by the Weft check of the same file
  }
  if (typeof exported?.loomCode !== 'string' || exported.loomCode.trim() === '' || typeof exported.weftCode !== 'string') return false;
  const layout = typeof exported.layoutCode === 'string' ? exported.layoutCode : '';
  const diagnostics = checkLoom(exported.loomCode, exported.weftCode, layout);
  for (const d of diagnostics) io.out(format(`${file} (loomCode)`, d));
  return failed(diagnostics);
}
