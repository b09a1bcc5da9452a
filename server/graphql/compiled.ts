import { LRUCache } from 'lru-cache';
import { compileWeft, type CompileResult } from '../weft';

const compiled = new LRUCache<string, CompileResult>({ max: 200 });

/**
 * The compiled graph (best effort, for drawing code mid-edit) and diagnostics of some
 * code and layout. Many fields of one request (and many requests) ask about the same
 * code, so results are kept by content.
 */
export function compileForDisplay(code: string, layout: string): CompileResult {
  const key = `${code.length}:${code}\u0000${layout}`;
  let result = compiled.get(key);
  if (!result) {
    result = compileWeft(code, layout, { partial: true });
    compiled.set(key, result);
  }
  return result;
}
