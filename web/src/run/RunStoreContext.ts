import { createContext, useContext } from 'react';
import type { RunStore } from './useExecutionRun';
import { useNodeRun } from './useExecutionRun';

export const RunStoreContext = createContext<RunStore | null>(null);

/** The run summary of one node of the graph, or undefined when no run is shown or it has not started. */
export function useNodeRunSummary(nodeId: string) {
  return useNodeRun(useContext(RunStoreContext), nodeId);
}
