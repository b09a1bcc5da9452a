import type { JsonValue } from '../../weft/types';
import { defineNode } from '../definition';
import { onInstance, stringInput } from './memory';

/** Weft's `kv_query`: pattern is a PostgreSQL POSIX regular expression (case-sensitive, unanchored; `^key$` for one key). */
export const memoryQueryNode = defineNode('MemoryQuery', {
  description: 'Reads every entry of a PostgresDatabase whose key matches pattern (a regular expression, unanchored: ^key$ for one key), ordered by key.',
  category: 'Data',
  run: (context) =>
    onInstance(context, async (infra, instance) => {
      const matches = await infra.kvQuery(instance, stringInput(context, 'pattern'));
      const value: Record<string, JsonValue> = {};
      for (const { key, value: stored } of matches) value[key] = stored;
      return { outputs: { value, found: matches.length > 0, count: matches.length, keys: matches.map((match) => match.key) } };
    }),
});
