import type { Diagnostic } from '../../weft';
import { builder } from '../builder';

const SeverityEnum = builder.enumType('DiagnosticSeverity', { values: ['error', 'warning', 'info'] as const });

export const DiagnosticRef = builder.objectRef<Diagnostic>('Diagnostic').implement({
  description: 'A problem the Weft compiler found, where it is written (lines and columns from 1).',
  fields: (t) => ({
    severity: t.field({ type: SeverityEnum, resolve: (d) => d.severity }),
    code: t.exposeString('code', { description: 'The kind of problem, e.g. `unknown-port`, `type-mismatch`, `cycle`.' }),
    message: t.exposeString('message'),
    line: t.exposeInt('line'),
    column: t.exposeInt('column'),
    endLine: t.int({ nullable: true, resolve: (d) => d.endLine ?? null }),
    endColumn: t.int({ nullable: true, resolve: (d) => d.endColumn ?? null }),
    inLayout: t.boolean({ description: 'True when the problem is in the layout text, not the code.', resolve: (d) => d.source === 'layout' }),
  }),
});
