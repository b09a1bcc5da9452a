import { GraphQLError } from 'graphql';
import { isUuid } from './ids';

/**
 * Relay connections paged by keyset: a cursor holds the sort key and id of a row, and the
 * next page is "rows beyond that key" on an index of (key, id), however deep the page.
 * Never OFFSET. Cursors are opaque to clients (base64url JSON).
 */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export type SortKey = Date | number;

export interface KeysetOrder<Row> {
  /** The column the index sorts by before `id`, e.g. `startedAt`. */
  field: string;
  direction: 'asc' | 'desc';
  keyOf(row: Row): SortKey;
}

/** What a model's findMany receives; `where` is combined with the caller's own filter. */
export interface PageQuery {
  where: Record<string, unknown>;
  orderBy: Record<string, 'asc' | 'desc'>[];
  take: number;
}

export interface Connection<Row> {
  edges: { cursor: string; node: Row }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: () => Promise<number>;
}

export const defaultPageSize = 20;
export const maxPageSize = 200;

const minInt4 = -(2 ** 31);
const maxInt4 = 2 ** 31 - 1;

/** Years PostgreSQL's timestamp and JavaScript's Date both hold without surprise (PostgreSQL has no year 0). */
export function isStorableDate(date: Date): boolean {
  const year = date.getUTCFullYear();
  return !Number.isNaN(date.getTime()) && year >= 1 && year <= 9999;
}

interface Cursor {
  key: SortKey;
  id: string;
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export function encodeCursor(key: SortKey, id: string): string {
  return Buffer.from(JSON.stringify([key instanceof Date ? key.toISOString() : key, id])).toString('base64url');
}

export function decodeCursor(cursor: string, keyKind: 'date' | 'number', argument: string): Cursor {
  const refuse = () => badInput(`"${cursor}" is not a cursor of this list (${argument}): pass an edge's cursor or pageInfo's startCursor/endCursor as given`);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[1] !== 'string') throw refuse();
  const [rawKey, id] = decoded as [unknown, string];
  // Everything in a cursor reaches SQL: the id must be a UUID and the key within its column's range.
  if (!isUuid(id)) throw refuse();
  if (keyKind === 'number') {
    if (typeof rawKey !== 'number' || !Number.isInteger(rawKey) || rawKey < minInt4 || rawKey > maxInt4) throw refuse();
    return { key: rawKey, id };
  }
  const key = typeof rawKey === 'string' ? new Date(rawKey) : new Date(Number.NaN);
  if (!isStorableDate(key)) throw refuse();
  return { key, id };
}

/** Rows strictly beyond `cursor` when walking in `direction`; the first bound lets the index range start there. */
function beyond(field: string, cursor: Cursor, direction: 'asc' | 'desc'): Record<string, unknown> {
  const strictly = direction === 'desc' ? 'lt' : 'gt';
  const orEqual = direction === 'desc' ? 'lte' : 'gte';
  return {
    AND: [
      { [field]: { [orEqual]: cursor.key } },
      { OR: [{ [field]: { [strictly]: cursor.key } }, { [field]: cursor.key, id: { [strictly]: cursor.id } }] },
    ],
  };
}

const opposite = (direction: 'asc' | 'desc') => (direction === 'asc' ? 'desc' : 'asc');

function pageSize(args: PageArgs): { size: number; backwards: boolean } {
  if (args.first != null && args.last != null) throw badInput('Pass first or last, not both');
  const size = args.last ?? args.first ?? defaultPageSize;
  const name = args.last != null ? 'last' : 'first';
  if (!Number.isInteger(size) || size < 0 || size > maxPageSize) throw badInput(`${name} must be between 0 and ${maxPageSize}`);
  return { size, backwards: args.last != null };
}

/**
 * One page of a keyset connection. `fetch` runs the model's findMany with the given
 * where/orderBy/take (plus its own filter and selection); `count` counts the filtered rows.
 */
export async function keysetPage<Row extends { id: string }>(
  args: PageArgs,
  order: KeysetOrder<Row>,
  keyKind: 'date' | 'number',
  fetch: (query: PageQuery) => Promise<Row[]>,
  count: () => Promise<number>,
): Promise<Connection<Row>> {
  const { size, backwards } = pageSize(args);
  const after = args.after ? decodeCursor(args.after, keyKind, 'after') : undefined;
  const before = args.before ? decodeCursor(args.before, keyKind, 'before') : undefined;
  const bounds = [
    ...(after ? [beyond(order.field, after, order.direction)] : []),
    ...(before ? [beyond(order.field, before, opposite(order.direction))] : []),
  ];
  const walk = backwards ? opposite(order.direction) : order.direction;
  const rows = size === 0 ? [] : await fetch({
    where: bounds.length > 0 ? { AND: bounds } : {},
    orderBy: [{ [order.field]: walk }, { id: walk }],
    take: size + 1,
  });
  const more = rows.length > size;
  const page = rows.slice(0, size);
  if (backwards) page.reverse();
  const edges = page.map((node) => ({ cursor: encodeCursor(order.keyOf(node), node.id), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backwards ? Boolean(before) : more,
      hasPreviousPage: backwards ? more : Boolean(after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: count,
  };
}
