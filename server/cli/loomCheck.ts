/**
 * `weft check` for Loom: a `.loom` file (checked against the `.weft` file of the same name
 * beside it, when there is one) and a project's JSON export (its `loomCode` against its
 * `weftCode`). Lines are `file:line:col: severity: message`, as for Weft.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { LoomDiagnostic } from '../loom/manifest';
import { checkLoom } from '../loom/projectPage';
import { compileWeft, hasErrors } from '../weft/index';

interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const isLoomCheckTarget = (file: string) => file.endsWith('.loom') || file.endsWith('.json');

const format = (where: string, d: { line: number; column: number; severity: string; message: string }) =>
  `${where}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;

const failed = (diagnostics: readonly LoomDiagnostic[]) => diagnostics.some((d) => d.severity === 'error');

/** Checks one file; true when it has errors. */
export function checkLoomTarget(file: string, io: Io): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    io.err(`${file}: error: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return true;
  }
  if (file.endsWith('.loom')) {
    const weftFile = file.replace(/\.loom$/, '.weft');
    const weft = existsSync(weftFile) ? readFileSync(weftFile, 'utf8') : undefined;
    const layout = existsSync(`${weftFile}.layout`) ? readFileSync(`${weftFile}.layout`, 'utf8') : '';
    const diagnostics = checkLoom(text, weft, layout);
    for (const d of diagnostics) io.out(format(file, d));
    return failed(diagnostics);
  }
  let exported: { weftCode?: unknown; loomCode?: unknown; layoutCode?: unknown };
  try {
    exported = JSON.parse(text) as typeof exported;
  } catch (error) {
    io.out(`${file}:1:1: error: not JSON: ${(error as Error).message}`);
    return true;
  }
  if (typeof exported !== 'object' || exported === null || typeof exported.weftCode !== 'string') {
    io.out(`${file}:1:1: error: a project export is a JSON object with "weftCode" (and optionally "loomCode", "layoutCode")`);
    return true;
  }
  const layout = typeof exported.layoutCode === 'string' ? exported.layoutCode : '';
  const weftDiagnostics = compileWeft(exported.weftCode, layout).diagnostics;
  for (const d of weftDiagnostics) io.out(format(`${file}#weftCode`, d));
  let loomFailed = false;
  if (typeof exported.loomCode === 'string' && exported.loomCode.trim() !== '') {
    const diagnostics = checkLoom(exported.loomCode, exported.weftCode, layout);
    for (const d of diagnostics) io.out(format(`${file}#loomCode`, d));
    loomFailed = failed(diagnostics);
  }
  return hasErrors(weftDiagnostics) || loomFailed;
}
