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
    runRunnerPage: 'run',
    uploadFile: 'run',
    completeActionTask: 'run',
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

/**
 * Root fields anyone may use, with or without a token (a published runner page: open it, run it,
 * follow one's own run). Their types reach nothing else: no project, execution or code.
 */
export const publicFields: Record<string, ReadonlySet<string>> = {
  query: new Set(['publishedPage']),
  mutation: new Set(['runPublishedPage']),
  subscription: new Set(['publishedPageRun', 'publishedPageLatestRun']),
};

/** The root fields a per-task link token may use, on that one task only. */
export const taskLinkFields: Record<string, ReadonlySet<string>> = {
  query: new Set(['humanTask']),
  mutation: new Set(['answerHumanTask', 'skipHumanTask']),
};

/**
 * What a task link may read below those root fields: the task's own fields, the problems
 * answering it may return, and of its execution and project only what a form's page shows
 * (`'*'`: every field). Anything else (the project's code, versions, triggers, other runs and
 * tasks) is refused, whatever path leads there.
 */
export const taskLinkReadableFields: Record<string, ReadonlySet<string> | '*'> = {
  HumanTask: new Set(['id', 'nodeId', 'lane', 'kind', 'title', 'actionUrl', 'description', 'form', 'state', 'answer', 'answeredBy', 'createdAt', 'answeredAt', 'linkToken', 'execution']),
  Execution: new Set(['id', 'status', 'project']),
  Project: new Set(['id', 'name']),
  FieldProblem: '*',
};
/** Types of this interface (the typed problems of a mutation) are readable whole. */
export const taskLinkReadableInterface = 'Problem';
