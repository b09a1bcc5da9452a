import type { IncomingMessage } from 'node:http';
import {
  BREAK,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  getOperationAST,
  GraphQLError,
  type GraphQLCompositeType,
  type GraphQLSchema,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  TypeInfo,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type Authenticator, bearerCredential, type Caller, connectionParamsCredential } from './caller';
import { grants, requiredScope, taskLinkFields, taskLinkReadableFields, taskLinkReadableInterface } from './scopes';
import type { TaskLinks } from './taskLinks';
import { publicFields } from './scopes';

/** What authorization adds to every operation's context. */
export interface AuthContext {
  caller: Caller;
  taskLinks: TaskLinks;
}

interface TransportContext {
  request?: Request;
  req?: IncomingMessage;
  connectionParams?: Record<string, unknown>;
}

/**
 * Checks every operation, whatever its transport (HTTP, SSE, graphql-ws), against the
 * scopes of its caller, root field by root field (see scopes.ts), before it executes.
 */
export function useAuthorization(authenticator: Authenticator): Plugin<TransportContext & Partial<AuthContext>> {
  const check = ({ args, setResultAndStopExecution }: AuthorizationPayload) => {
    const refusal = refusalOf((args.contextValue as AuthContext).caller, args);
    if (refusal) setResultAndStopExecution({ errors: [refusal] });
  };
  return {
    async onContextBuilding({ context, extendContext }) {
      const caller = await authenticator.callerFor(credentialOf(context));
      extendContext({ caller, taskLinks: authenticator.taskLinks });
    },
    onExecute: check,
    onSubscribe: check,
  };
}

interface AuthorizationPayload {
  args: { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; variableValues?: Record<string, unknown> | null; contextValue: unknown };
  setResultAndStopExecution(result: { errors: GraphQLError[] }): void;
}

export function credentialOf(context: TransportContext): string | undefined {
  const header = context.request?.headers.get('authorization') ?? context.req?.headers.authorization;
  return connectionParamsCredential(context.connectionParams) ?? bearerCredential(header);
}

function refusalOf(caller: Caller, args: AuthorizationPayload['args']): GraphQLError | undefined {
  if (caller.kind === 'everyone') return undefined;
  if (onlyPublicFields(args)) return undefined;
  if (caller.kind === 'invalid credential') {
    return unauthenticated('The API token is not valid: it may be mistyped or revoked');
  }
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return undefined; // execution reports the missing operation itself
  for (const field of rootFields(operation, args.document)) {
    const name = field.name.value;
    if (name === '__typename') continue;
    if (caller.kind === 'task link') {
      if (!taskLinkAllows(caller.taskId, operation, field, args.variableValues ?? {})) {
        return forbidden(`A task link allows only humanTask, answerHumanTask and skipHumanTask on its own task, not ${name}`);
      }
      continue;
    }
    const needed = name.startsWith('__') ? 'read' : requiredScope(operation.operation, name);
    if (grants(caller.scopes, needed)) continue;
    if (caller.kind === 'anonymous') {
      return unauthenticated(`${name} needs an API token with the "${needed}" scope: send it as "Authorization: Bearer <token>"`);
    }
    return forbidden(`${name} needs the "${needed}" scope; this token has ${caller.scopes.map((s) => `"${s}"`).join(', ') || 'none'}`);
  }
  if (caller.kind === 'task link') {
    const beyond = fieldBeyondTaskLink(args.schema, args.document);
    if (beyond) return forbidden(`A task link allows reading its task's form and answering it, not ${beyond}`);
  }
  return undefined;
}

/** The first field below the root, anywhere in the document, that a task link may not read (as `Type.field`). */
function fieldBeyondTaskLink(schema: GraphQLSchema, document: DocumentNode): string | undefined {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean).map((type) => type!.name));
  const typeInfo = new TypeInfo(schema);
  let refused: string | undefined;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const field = node.name.value;
        if (!parent || roots.has(parent.name) || field === '__typename') return undefined;
        if (taskLinkMayRead(parent, field)) return undefined;
        refused = `${parent.name}.${field}`;
        return BREAK;
      },
    }),
  );
  return refused;
}

function taskLinkMayRead(parent: GraphQLCompositeType, field: string): boolean {
  const named = getNamedType(parent);
  const allowed = taskLinkReadableFields[named.name];
  if (allowed === '*' || allowed?.has(field)) return true;
  const isProblem = (isInterfaceType(named) && named.name === taskLinkReadableInterface) ||
    (isObjectType(named) && named.getInterfaces().some((face) => face.name === taskLinkReadableInterface));
  return isProblem;
}

/** An operation of public root fields only (a published page's): allowed to anyone, whatever token it carries. */
function onlyPublicFields(args: AuthorizationPayload['args']): boolean {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return false;
  const fields = rootFields(operation, args.document).filter((field) => field.name.value !== '__typename');
  return fields.length > 0 && fields.every((field) => publicFields[operation.operation]?.has(field.name.value));
}

function taskLinkAllows(taskId: string, operation: OperationDefinitionNode, field: FieldNode, variables: Record<string, unknown>): boolean {
  if (!taskLinkFields[operation.operation]?.has(field.name.value)) return false;
  const idArgument = field.arguments?.find((argument) => argument.name.value === 'id');
  const id = idArgument ? valueFromASTUntyped(idArgument.value, variables) : undefined;
  return typeof id === 'string' && id.toLowerCase() === taskId.toLowerCase();
}

function rootFields(operation: OperationDefinitionNode, document: DocumentNode): FieldNode[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fields: FieldNode[] = [];
  const visit = (selectionSet: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet, new Set([...seen, selection.name.value]));
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return fields;
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
}
