import { BREAK, type DocumentNode, GraphQLError, Kind, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * PostgreSQL stores no U+0000 in text or jsonb: a string argument holding one would fail at the
 * database as an unexpected error, possibly after Restate already acted on it (a form answer).
 * Such an operation is refused before it runs, whether the string is a literal or a variable.
 */
export function useNoNulCharacters(): Plugin {
  const refusal = () => ({
    errors: [new GraphQLError('Text may not contain the NUL character (U+0000)', { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } })],
  });
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (holdsNul(args.document, args.variableValues)) setResultAndStopExecution(refusal());
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      if (holdsNul(args.document, args.variableValues)) setResultAndStopExecution(refusal());
    },
  };
}

function holdsNul(document: DocumentNode, variables: unknown): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (node.value.includes('\0')) {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  if (found) return true;
  // Iterative: variables may be nested far deeper than the call stack allows.
  const pending: unknown[] = [variables];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (value.includes('\0')) return true;
    } else if (Array.isArray(value)) {
      pending.push(...value);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key.includes('\0')) return true;
        pending.push(inner);
      }
    }
  }
  return false;
}
