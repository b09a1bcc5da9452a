import type { ExecutionStatus, HumanTaskKind, HumanTaskState, NodeRunStatus, TriggerKind } from '../db/generated/client';

/** What an execution looked like right after a change: the payload of its events. */
export interface ExecutionSnapshot {
  id: string;
  projectId: string;
  versionId: string | null;
  testConfigId: string | null;
  trigger: TriggerKind;
  triggerId: string | null;
  triggeredBy: string | null;
  status: ExecutionStatus;
  error: string | null;
  costUsd: string;
  startedAt: string;
  completedAt: string | null;
  lastSeq: number;
}

export interface NodeRunSnapshot {
  id: string;
  executionId: string;
  nodeId: string;
  nodeType: string;
  lane: number[];
  status: NodeRunStatus;
  inputs: unknown;
  output: unknown;
  error: string | null;
  details: unknown;
  costUsd: string;
  startedAt: string | null;
  completedAt: string | null;
  seq: number;
}

export interface HumanTaskSnapshot {
  id: string;
  executionId: string;
  nodeId: string;
  lane: number[];
  kind: HumanTaskKind;
  title: string;
  actionUrl: string | null;
  description: string;
  form: unknown;
  state: HumanTaskState;
  answer: unknown;
  answeredBy: string | null;
  createdAt: string;
  answeredAt: string | null;
}

export type ExecutionEventPayload =
  | { kind: 'execution'; execution: ExecutionSnapshot }
  | { kind: 'nodeRun'; execution: ExecutionSnapshot; nodeRun: NodeRunSnapshot }
  | { kind: 'humanTask'; execution: ExecutionSnapshot; humanTask: HumanTaskSnapshot };

/** One committed change, as stored in ExecutionEvent and streamed to subscribers. */
export type ExecutionEvent = ExecutionEventPayload & {
  id: string;
  executionId: string;
  seq: number;
  createdAt: string;
};

/** The PostgreSQL NOTIFY channel: its payload is a committed event, whole (JSON) when it is small, else its ExecutionEvent row id. */
export const eventsChannel = 'weft_execution_events';
