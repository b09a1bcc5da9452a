import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import { GraphQLError, GraphQLScalarType, type ValueNode } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type PrismaTypes from '../db/generated/pothos-types';
import { getDatamodel } from '../db/generated/pothos-types';
import type { GraphQLContext } from './context';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
    USD: { Input: string; Output: { toString(): string } | string | number };
    File: { Input: unknown; Output: never };
  };
}>({
  // The errors plugin must come before the Prisma plugin for `errors` to work on prismaField.
  plugins: [ErrorsPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  prisma: {
    client: (context) => context.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
  },
  errors: {
    // A mutation's result is its object or one of its typed problems: `... on Execution`, `... on NotFound`.
    directResult: true,
  },
});

/** A scalar's refusal; a GraphQLError, or Yoga would mask it as an unexpected error. */
function badScalar(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** graphql-scalars' DateTime, refusing instants PostgreSQL cannot store (year 0, or beyond 9999) before they reach SQL. */
function storable(date: Date): Date {
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) throw badScalar(`DateTime must be within the years 0001 to 9999, not ${date.toISOString()}`);
  return date;
}
const BoundedDateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  parseValue: (value: unknown) => storable(DateTimeResolver.parseValue(value) as Date),
  parseLiteral: (ast: ValueNode, variables?: Record<string, unknown> | null) => storable(DateTimeResolver.parseLiteral(ast, variables) as Date),
});

builder.addScalarType('DateTime', BoundedDateTime);
builder.addScalarType('JSON', JSONResolver);
builder.scalarType('USD', {
  description: 'An amount in US dollars, as a decimal string exact to 1e-10 (e.g. "0.0031250000").',
  serialize: (value) => value.toString(),
  parseValue: (value) => {
    if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value)) throw badScalar('USD must be a decimal string such as "1.25"');
    return value;
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
