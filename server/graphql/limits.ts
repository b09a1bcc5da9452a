import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { BREAK, type DocumentNode, GraphQLError, Kind, type ValidationContext, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphQLLimits } from '../config';

/** Headers that mark a GET or form-encoded request as sent by a script, not a cross-site form or link. */
export const csrfHeaders = ['x-graphql-csrf', 'x-graphql-yoga-csrf'];

/**
 * Everything that refuses an abusive operation before (or while) it runs: depth, cost,
 * aliases, directives and tokens (graphql-armor), a time limit, CSRF prevention; each
 * refusal carries an `extensions.code` a client can act on.
 */
type ArmorPlugin = ReturnType<EnvelopArmor['protect']>['plugins'][number];

export function useGraphQLLimits(limits: GraphQLLimits): (Plugin | ArmorPlugin)[] {
  const coded = (code: string) => [(_context: ValidationContext | null, error: GraphQLError) => setCode(error, code)];
  const armor = new EnvelopArmor({
    maxDepth: { n: limits.maxDepth, onReject: coded('QUERY_TOO_DEEP') },
    costLimit: { maxCost: limits.maxCost, onReject: coded('QUERY_TOO_COSTLY') },
    maxAliases: { n: limits.maxAliases, onReject: coded('TOO_MANY_ALIASES') },
    maxDirectives: { n: limits.maxDirectives, onReject: coded('TOO_MANY_DIRECTIVES') },
    maxTokens: { n: limits.maxTokens, onReject: coded('TOO_MANY_TOKENS') },
    // Field suggestions help explorers; the schema is public to them anyway.
    blockFieldSuggestion: { enabled: false },
  });
  return [...armor.protect().plugins, useValidationErrorCodes(), useInputDepthLimit(limits.maxInputDepth), useTimeLimit(limits.timeoutMs), useCsrfPreventionWithCode()];
}

/**
 * Arguments (a JSON answer, mocks, inputs) nested deeper than `maxDepth` are refused before
 * anything runs: stored, they could not be written back out (JSON.stringify recurses).
 */
function useInputDepthLimit(maxDepth: number): Plugin {
  const refuse = (payload: { args: { document: DocumentNode; variableValues?: unknown }; setResultAndStopExecution(result: unknown): void }) => {
    if (inputDepth(payload.args.document, payload.args.variableValues, maxDepth) <= maxDepth) return;
    payload.setResultAndStopExecution({
      errors: [new GraphQLError(`An argument is nested more than ${maxDepth} levels deep`, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } })],
    });
  };
  return { onExecute: refuse, onSubscribe: refuse };
}

/** The deepest nesting of lists and objects in the document's literals and the variables, counted up to `stopAbove` + 1. */
export function inputDepth(document: DocumentNode, variables: unknown, stopAbove: number): number {
  let deepest = 0;
  let literal = 0;
  const enter = () => {
    literal++;
    deepest = Math.max(deepest, literal);
    return deepest > stopAbove ? BREAK : undefined;
  };
  const leave = () => void literal--;
  visit(document, { [Kind.LIST]: { enter, leave }, [Kind.OBJECT]: { enter, leave } });
  // Iterative: variables may be nested far deeper than the call stack allows.
  const pending: [unknown, number][] = [[variables, 0]];
  while (pending.length > 0 && deepest <= stopAbove) {
    const [value, depth] = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    // The variables object itself is not an argument's nesting.
    const inner = value === variables ? depth : depth + 1;
    deepest = Math.max(deepest, inner);
    for (const child of Array.isArray(value) ? value : Object.values(value)) pending.push([child, inner]);
  }
  return deepest;
}

function setCode(error: GraphQLError, code: string): void {
  (error.extensions as Record<string, unknown>).code ??= code;
}

/**
 * Other validation errors (unknown field, wrong argument…) get the code Apollo's clients expect;
 * so do request errors of execution (a variable of the wrong type), and a document nested so
 * deeply that the parser runs out of stack is a parse error, not an unexpected 500.
 */
function useValidationErrorCodes(): Plugin {
  const codeRequestErrors = (result: unknown) => {
    for (const error of (result as { errors?: readonly GraphQLError[] }).errors ?? []) {
      if (!error.path && error instanceof GraphQLError) setCode(error, 'BAD_USER_INPUT');
    }
  };
  return {
    onValidate: () => ({ result }) => {
      for (const error of result) setCode(error, 'GRAPHQL_VALIDATION_FAILED');
    },
    onParse: () => ({ result, replaceParseResult }) => {
      if (result instanceof RangeError) {
        replaceParseResult(new GraphQLError('The document is nested too deeply to parse', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }));
      } else if (result instanceof GraphQLError) setCode(result, 'GRAPHQL_PARSE_FAILED');
    },
    onExecute: () => ({ onExecuteDone: ({ result }) => codeRequestErrors(result) }),
    onSubscribe: () => ({ onSubscribeResult: ({ result }) => codeRequestErrors(result) }),
  };
}

/**
 * Queries and mutations that take longer than `timeoutMs` get a TIMEOUT error instead of
 * a result; subscriptions live as long as their client wants. The timer stops the wait on
 * slow I/O; the check after it catches work that kept the event loop busy past the limit.
 */
function useTimeLimit(timeoutMs: number): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args) => {
        const startedAt = performance.now();
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<{ errors: GraphQLError[] }>((resolve) => {
          timer = setTimeout(() => resolve({ errors: [timeoutError(timeoutMs)] }), timeoutMs);
        });
        try {
          const result = await Promise.race([executeFn(args), timedOut]);
          return performance.now() - startedAt > timeoutMs ? { errors: [timeoutError(timeoutMs)] } : result;
        } finally {
          clearTimeout(timer);
        }
      });
    },
  };
}

function timeoutError(timeoutMs: number): GraphQLError {
  return new GraphQLError(`The operation took longer than ${timeoutMs} ms and was stopped; ask for less, or page through it`, {
    extensions: { code: 'TIMEOUT', http: { status: 504 } },
  });
}

function useCsrfPreventionWithCode(): Plugin {
  const prevention = useCSRFPrevention({ requestHeaders: csrfHeaders });
  return {
    onRequestParse(payload) {
      try {
        return prevention.onRequestParse?.(payload);
      } catch (error) {
        if (error instanceof GraphQLError) {
          throw new GraphQLError(`${error.message}: send one of ${csrfHeaders.join(', ')} (any value) with GET and form requests`, {
            extensions: { ...error.extensions, code: 'CSRF_HEADER_REQUIRED' },
          });
        }
        throw error;
      }
    },
  };
}
