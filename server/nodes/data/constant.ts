import type { NodeRun } from '../definition';

/** Text, Number, Boolean, List and Dict output their config value as written, or null when none is set. */
export const runConstant: NodeRun = async ({ config }) => ({ outputs: { value: config.value ?? null } });
