import { GraphQLError } from 'graphql';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return uuid.test(value);
}

/** Ids are UUIDs; anything else is refused with a message instead of a database error. */
export function parseId(value: string | number, what: string): string {
  const text = String(value);
  if (!uuid.test(text)) {
    throw new GraphQLError(`"${text}" is not a valid ${what} id (expected a UUID)`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return text.toLowerCase();
}

export function notFound(what: string, id: string): GraphQLError {
  return new GraphQLError(`${what} ${id} does not exist`, { extensions: { code: 'NOT_FOUND' } });
}
