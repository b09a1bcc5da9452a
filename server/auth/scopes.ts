import type { OperationTypeNode } from 'graphql';

export const scopes = ['read', 'run', 'answer', 'admin'] as const;
export type Scope = (typeof scopes)[number];

/**
 * The scope each root field needs. Queries and subscriptions need `read` unless listed;
 * mutations need `admin` unless listed, so a mutation added later is closed by default.
 */
const requiredScopes: Record<'query' | 'mutation' | 'subscription', Record<string, Scope>> = {
  query: { apiTokens: 'admin' },
  mutation: {
    runProject: 'run',
    rerunExecution: 'run',
    cancelExecution: 'run',
    pauseExecution: 'run',
    resumeExecution: 'run',
    answerHumanTask: 'answer',
    skipHumanTask: 'answer',
    activateTriggers: 'admin',
    deactivateTriggers: 'admin',
    activateTrigger: 'admin',
    deactivateTrigger: 'admin',
    submitHumanTrigger: 'run',
  },
  subscription: {},
};

const defaultScope: Record<'query' | 'mutation' | 'subscription', Scope> = { query: 'read', mutation: 'admin', subscription: 'read' };

export function requiredScope(operation: OperationTypeNode | 'query' | 'mutation' | 'subscription', field: string): Scope {
  return requiredScopes[operation][field] ?? defaultScope[operation];
}

/** `admin` implies every other scope. */
export function grants(held: readonly Scope[], needed: Scope): boolean {
  return held.includes('admin') || held.includes(needed);
}

/** The root fields a per-task link token may use, on that one task only. */
export const taskLinkFields: Record<string, ReadonlySet<string>> = {
  query: new Set(['humanTask']),
  mutation: new Set(['answerHumanTask', 'skipHumanTask']),
};
