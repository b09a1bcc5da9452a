import type { CombinedError } from 'urql';
import type { FieldProblems } from '../../forms/formAnswer';
import type { SubmitOutcome } from '../../forms/HumanForm';

/** A mutation's typed result: the thing asked for, or a Problem (InvalidAnswer, TaskClosed, NotFound…). */
interface TypedResult {
  __typename: string;
  message?: string;
  problems?: readonly { field: string; message: string }[];
}

/** Turns a mutation's result into what the form shows: accepted, or why not, with problems next to their fields. */
export function submitOutcome(result: TypedResult | undefined, error: CombinedError | undefined, accepted: string): SubmitOutcome {
  if (!result) return { ok: false, message: `Could not send: ${error?.message ?? 'no answer from the server'}` };
  if (result.__typename === accepted) return { ok: true };
  const fieldProblems: FieldProblems = {};
  const general: string[] = [];
  for (const problem of result.problems ?? []) {
    if (problem.field === '') general.push(problem.message);
    else fieldProblems[problem.field] = `${fieldProblems[problem.field] ? `${fieldProblems[problem.field]}; ` : ''}${problem.message}`;
  }
  const message = [result.message ?? `Refused (${result.__typename})`, ...general].join(' — ');
  return { ok: false, message, fieldProblems };
}
