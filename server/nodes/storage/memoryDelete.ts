import { defineNode } from '../definition';
import { onInstance, stringInput } from './memory';

/** Weft's `kv_delete_pattern`: deletes every key matching pattern (a PostgreSQL regular expression, unanchored). */
export const memoryDeleteNode = defineNode('MemoryDelete', {
  description: 'Deletes every entry of a PostgresDatabase whose key matches pattern (a regular expression, unanchored: ^key$ for one key).',
  category: 'Data',
  run: (context) =>
    onInstance(context, async (infra, instance) => {
      const deleted = await infra.kvDeletePattern(instance, stringInput(context, 'pattern'));
      return { outputs: { deleted, count: deleted.length } };
    }),
});
