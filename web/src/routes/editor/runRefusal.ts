import type { CombinedError } from 'urql';
import type { DiagnosticFieldsFragment } from '../../graphql/generated/graphql';

export interface RunRefusal {
  message: string;
  diagnostics: DiagnosticFieldsFragment[];
}

/** A problem runProject answered with instead of an execution. */
type RunProblem = { __typename: string; message: string; diagnostics?: DiagnosticFieldsFragment[] };

/** Why runProject refused: for ProgramHasErrors, the diagnostics that came with it. */
export function runRefusal(problem: RunProblem | undefined, error: CombinedError | undefined): RunRefusal {
  if (problem?.__typename === 'ProgramHasErrors') {
    return { message: 'The program has errors, so it cannot run. Fix them and run again.', diagnostics: problem.diagnostics ?? [] };
  }
  return { message: `Could not start the run: ${problem?.message ?? error?.graphQLErrors[0]?.message ?? error?.message ?? 'no answer from the server'}`, diagnostics: [] };
}
