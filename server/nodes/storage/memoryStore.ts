import { defineNode } from '../definition';
import { onInstance, stringInput } from './memory';

/** Weft's `kv_set`: an upsert of any JSON value under key. */
export const memoryStoreNode = defineNode('MemoryStore', {
  description: 'Stores value under key in a PostgresDatabase (replacing what was there).',
  category: 'Data',
  run: (context) =>
    onInstance(context, async (infra, instance) => {
      const key = stringInput(context, 'key');
      await infra.kvSet(instance, key, context.inputs.value ?? null);
      return { outputs: { stored: true, key } };
    }),
});
