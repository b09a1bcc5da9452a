import { GraphQLError } from 'graphql';
import { ApiTokens } from '../../auth/apiTokens';
import type { AuthContext } from '../../auth/authorization';
import { grants, scopes } from '../../auth/scopes';
import { builder } from '../builder';
import type { GraphQLContext } from '../context';
import { notFound, parseId } from '../ids';

const ApiScopeEnum = builder.enumType('ApiScope', {
  description: 'What a token may do: `read` queries and subscriptions, `run` executions, `answer` forms; `admin` everything.',
  values: scopes,
});

const ApiTokenRef = builder.prismaObject('ApiToken', {
  description: 'A credential for the API, sent as `Authorization: Bearer <secret>`. Its secret is shown only when it is created.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    scopes: t.expose('scopes', { type: [ApiScopeEnum] }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'Updated at most once a minute.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CreatedApiToken = builder.objectRef<Awaited<ReturnType<ApiTokens['create']>>>('CreatedApiToken').implement({
  description: 'A new token and its secret: store the secret now, it cannot be read again.',
  fields: (t) => ({
    token: t.field({ type: ApiTokenRef, resolve: (created) => created.token }),
    secret: t.exposeString('secret'),
  }),
});

function authOf(context: GraphQLContext): AuthContext {
  return context as GraphQLContext & AuthContext;
}

builder.queryFields((t) => ({
  apiTokens: t.prismaField({
    type: ['ApiToken'],
    description: 'Every API token, revoked ones included, newest first.',
    resolve: (query, _parent, _args, context) =>
      context.prisma.apiToken.findMany({ ...query, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
}));

builder.mutationFields((t) => ({
  createApiToken: t.field({
    type: CreatedApiToken,
    description: 'Creates an API token with the given scopes; the answer holds its secret, shown this once.',
    args: { name: t.arg.string({ required: true }), scopes: t.arg({ type: [ApiScopeEnum], required: true }) },
    resolve: async (_parent, args, context) => {
      if (!args.name.trim()) throw new GraphQLError('Give the token a name, e.g. the dashboard that will use it', { extensions: { code: 'BAD_USER_INPUT' } });
      if (args.scopes.length === 0) throw new GraphQLError('Give the token at least one scope', { extensions: { code: 'BAD_USER_INPUT' } });
      return new ApiTokens(context.prisma).create(args.name.trim(), args.scopes);
    },
  }),
  revokeApiToken: t.prismaField({
    type: 'ApiToken',
    description: 'Revokes a token at once, on every process; revoking it again changes nothing.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _parent, args, context) => {
      const id = parseId(args.id, 'API token');
      await new ApiTokens(context.prisma).revoke(id);
      const token = await context.prisma.apiToken.findUnique({ ...query, where: { id } });
      if (!token) throw notFound('API token', id);
      return token;
    },
  }),
}));

builder.prismaObjectField('HumanTask', 'linkToken', (t) =>
  t.string({
    nullable: true,
    description:
      'A bearer token that lets whoever holds it read, answer or skip this task and nothing else (for a link sent to a reviewer). Null unless the caller may answer tasks.',
    resolve: (task, _args, context) => {
      const { caller, taskLinks } = authOf(context);
      return caller && grants(caller.scopes, 'answer') ? taskLinks.tokenFor(task.id) : null;
    },
  }),
);
