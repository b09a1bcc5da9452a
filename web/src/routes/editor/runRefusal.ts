import type { CombinedError } from 'urql';
import type { DiagnosticFieldsFragment } from '../../graphql/generated/graphql';

export interface RunRefusal {
  message: string;
  diagnostics: DiagnosticFieldsFragment[];
}

/** Why runProject refused: for PROGRAM_HAS_ERRORS, the diagnostics the server sent along. */
export function runRefusal(error: CombinedError | undefined): RunRefusal {
  const first = error?.graphQLErrors[0];
  if (first?.extensions?.code === 'PROGRAM_HAS_ERRORS') {
    // The extension carries the compiler's own diagnostics, which say `source: 'layout'` where the API says inLayout.
    type SentDiagnostic = DiagnosticFieldsFragment & { source?: string };
    const diagnostics = Array.isArray(first.extensions.diagnostics) ? (first.extensions.diagnostics as SentDiagnostic[]) : [];
    return {
      message: 'The program has errors, so it cannot run. Fix them and run again.',
      diagnostics: diagnostics.map((diagnostic) => ({ ...diagnostic, inLayout: diagnostic.inLayout ?? diagnostic.source === 'layout' })),
    };
  }
  return { message: `Could not start the run: ${first?.message ?? error?.message ?? 'no answer from the server'}`, diagnostics: [] };
}
