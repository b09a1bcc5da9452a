import { optionalNodeService } from '../nodes/services';
import type { JsonValue } from '../weft/types';
import { resealDeep } from './sealing';

/**
 * Runs a node on its inputs with sealed credential values opened, and seals them again wherever the
 * node's result (outputs, details, error) repeats them. Without a sealer (a process with no
 * platform) the inputs go through as they are.
 */
export async function withCredentialsUnsealed<R>(inputs: Record<string, JsonValue>, run: (inputs: Record<string, JsonValue>) => Promise<R>): Promise<R> {
  const sealer = optionalNodeService('sealer');
  if (!sealer) return run(inputs);
  const opened = sealer.unsealDeep(inputs);
  const result = await run(opened.value);
  return opened.secrets.size === 0 ? result : (resealDeep(result as JsonValue, opened.secrets) as R);
}
