// The compile pool's worker entry (plain JS, as a worker thread starts without the parent's
// loader hooks): registers tsx, then loads the TypeScript worker, since the platform runs from source.
import { register } from 'tsx/esm/api';

register();
const { default: compileTask } = await import('./compileWorker.ts');
export default compileTask;
