// GitHub's connection pagination over an already filtered and sorted list: `first`/`after` or
// `last`/`before` (one of first/last required, at most 100), opaque cursors, pageInfo and
// totalCount.
import { GraphqlTypedError } from './errors';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface Connection<T> {
  nodes: T[];
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

const MAX_PAGE = 100;
const CURSOR_PREFIX = 'cursor:v1:';

function cursorOf(index: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${index}`, 'utf8').toString('base64');
}

function indexOf(cursor: string): number {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const n = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new GraphqlTypedError('UNPROCESSABLE', `\`${cursor.slice(0, 100)}\` does not appear to be a valid cursor.`);
  return n;
}

/** Throws GitHub's errors for a missing, negative or too large `first`/`last`. */
export function checkPageArgs(args: PageArgs, connection: string): void {
  if (args.first == null && args.last == null) {
    throw new GraphqlTypedError('MISSING_PAGINATION_BOUNDARIES', `You must provide a \`first\` or \`last\` value to properly paginate the \`${connection}\` connection.`);
  }
  for (const name of ['first', 'last'] as const) {
    const v = args[name];
    if (v == null) continue;
    if (v < 0) throw new GraphqlTypedError('UNPROCESSABLE', `\`${name}\` on the \`${connection}\` connection cannot be less than zero.`);
    if (v > MAX_PAGE) {
      throw new GraphqlTypedError('EXCESSIVE_PAGINATION', `Requesting ${v} records on the \`${connection}\` connection exceeds the \`${name}\` limit of ${MAX_PAGE} records.`);
    }
  }
}

export function paginate<T>(items: readonly T[], args: PageArgs, connection: string): Connection<T> {
  checkPageArgs(args, connection);
  let start = args.after != null ? Math.min(indexOf(args.after) + 1, items.length) : 0;
  let end = args.before != null ? Math.min(indexOf(args.before), items.length) : items.length;
  if (end < start) end = start;
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const edges = items.slice(start, end).map((node, i) => ({ cursor: cursorOf(start + i), node }));
  return {
    nodes: edges.map((e) => e.node),
    edges,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges.length ? edges[0].cursor : null,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
    totalCount: items.length,
  };
}
