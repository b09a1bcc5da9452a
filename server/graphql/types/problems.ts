import type { ExecutionStatus, HumanTaskState } from '../../db/generated/enums';
import type { Diagnostic } from '../../weft';
import { builder } from '../builder';
import { DiagnosticRef } from './diagnostic';
import { ExecutionStatusEnum } from './enums';

/**
 * Problems a user can fix, returned by mutations as typed results (errors plugin) instead
 * of GraphQL errors: `mutation { runProject(…) { ... on Execution { id } ... on Problem { message } } }`.
 * Each carries `code`, the same word thrown errors carry in `extensions.code`.
 */
export abstract class Problem extends Error {
  abstract readonly code: string;
}

export class NotFound extends Problem {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly what: string,
    readonly id: string,
  ) {
    super(`${what} ${id} does not exist`);
  }
}

export class InvalidInput extends Problem {
  readonly code = 'BAD_USER_INPUT';
}

export class ProgramHasErrors extends Problem {
  readonly code = 'PROGRAM_HAS_ERRORS';
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[],
  ) {
    super(message);
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

export class InvalidAnswer extends Problem {
  readonly code = 'INVALID_ANSWER';
  constructor(readonly problems: FieldProblem[]) {
    super(`The answer does not fit the form: ${problems.map((p) => (p.field ? `${p.field} ${p.message}` : p.message)).join('; ')}`);
  }
}

export class WrongStatus extends Problem {
  readonly code = 'WRONG_STATUS';
  constructor(
    message: string,
    readonly status: ExecutionStatus,
  ) {
    super(message);
  }
}

export class TaskClosed extends Problem {
  readonly code = 'TASK_CLOSED';
  constructor(readonly state: HumanTaskState) {
    super(`This form is already ${state}`);
  }
}

export const ProblemInterface = builder.interfaceRef<Problem>('Problem').implement({
  description: 'Something the caller can fix; `code` is the same word thrown errors carry in `extensions.code`.',
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.exposeString('code'),
  }),
});

builder.objectType(NotFound, {
  name: 'NotFound',
  description: 'No record has this id (it may have been deleted).',
  interfaces: [ProblemInterface],
  fields: (t) => ({ what: t.exposeString('what'), id: t.exposeID('id') }),
});

builder.objectType(InvalidInput, {
  name: 'InvalidInput',
  description: 'An argument is not acceptable as given; the message says which and why.',
  interfaces: [ProblemInterface],
});

builder.objectType(ProgramHasErrors, {
  name: 'ProgramHasErrors',
  description: 'The code does not compile; fix these problems first.',
  interfaces: [ProblemInterface],
  fields: (t) => ({ diagnostics: t.field({ type: [DiagnosticRef], resolve: (problem) => problem.diagnostics }) }),
});

const FieldProblemRef = builder.objectRef<FieldProblem>('FieldProblem').implement({
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The form field key; empty when the answer as a whole is wrong.' }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(InvalidAnswer, {
  name: 'InvalidAnswer',
  description: "The answer does not fit the form's fields; nothing was recorded.",
  interfaces: [ProblemInterface],
  fields: (t) => ({ problems: t.field({ type: [FieldProblemRef], resolve: (problem) => problem.problems }) }),
});

builder.objectType(WrongStatus, {
  name: 'WrongStatus',
  description: 'The execution is not in a status that allows this.',
  interfaces: [ProblemInterface],
  fields: (t) => ({ status: t.field({ type: ExecutionStatusEnum, resolve: (problem) => problem.status }) }),
});

builder.objectType(TaskClosed, {
  name: 'TaskClosed',
  description: 'The form was already answered, skipped or cancelled.',
  interfaces: [ProblemInterface],
  fields: (t) => ({ state: t.exposeString('state') }),
});
