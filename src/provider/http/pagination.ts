// GitHub-style pagination: `per_page` (1–100, default 30; more reads 100, as GitHub caps it, and
// less than 1 reads the default, as GitHub does) and `page` (from 1; less than 1 is the first page,
// and any page past the end is empty), with a Link header. Either is any whole number, of any
// number of digits (as on GitHub; the request line's own limit bounds it); anything else is a 422.
import type { FastifyReply, FastifyRequest } from 'fastify';

const WHOLE_NUMBER = { type: 'string', pattern: '^-?[0-9]+$' } as const;

const paginationQuerySchema = { per_page: WHOLE_NUMBER, page: WHOLE_NUMBER } as const;

const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;
/**
 * Pages beyond this one are read as this one: past the end of any list Tessera keeps, so empty,
 * and its offset stays a small integer in SQL whatever number the client sent.
 */
const MAX_PAGE = 1_000_000;

/** The querystring schema of a paged list: its own `filters` (JSON-schema properties) and the paging fields; nothing else. */
export function pagedQuerySchema(filters: Record<string, object> = {}) {
  return { type: 'object', additionalProperties: false, properties: { ...filters, ...paginationQuerySchema } } as const;
}

export interface Page {
  perPage: number;
  page: number;
  limit: number;
  offset: number;
}

/** The page asked for; a number too long for a double reads as ±Infinity, so is capped like any other. */
export function pageOf(query: { per_page?: string; page?: string }): Page {
  const asked = query.per_page === undefined ? DEFAULT_PER_PAGE : Number(query.per_page);
  const perPage = asked < 1 ? DEFAULT_PER_PAGE : Math.min(MAX_PER_PAGE, asked);
  const page = Math.min(MAX_PAGE, Math.max(1, query.page === undefined ? 1 : Number(query.page)));
  return { perPage, page, limit: perPage, offset: (page - 1) * perPage };
}

/**
 * One page of a list and how many items the whole list has. The page is read with one row more
 * than it shows: a page that is not followed by another tells the total itself (its offset plus
 * its rows), so the list is counted only when more pages follow (or the page is past the end).
 */
export async function listPage<T>(
  page: { limit: number; offset: number },
  list: (window: { limit: number; offset: number }) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<{ items: T[]; total: number }> {
  const read = await list({ limit: page.limit + 1, offset: page.offset });
  if (read.length <= page.limit && (read.length > 0 || page.offset === 0)) return { items: read, total: page.offset + read.length };
  return { items: read.slice(0, page.limit), total: await count() };
}

/**
 * GitHub's Link header for `page` of a list of `total` items: `prev` and `first` on every page
 * after the first, `next` and `last` on every page before the last (so none on an exactly full
 * last page). A page past the end links `prev` and `last` to the last page (and `first`), as
 * GitHub does: a client that overshoots goes back to the list, not to another empty page. No
 * header on the first page of a list that fits one page.
 */
export function setLinkHeader(request: FastifyRequest, reply: FastifyReply, page: Page, total: number, origin: string): void {
  const lastPage = Math.max(1, Math.ceil(total / page.perPage));
  // A list that fits one page (most) has no header: its URL is not parsed.
  if (page.page <= 1 && page.page >= lastPage) return;
  const url = new URL(request.url, origin);
  const link = (n: number, rel: string) => {
    url.searchParams.set('per_page', String(page.perPage));
    url.searchParams.set('page', String(n));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page.page > lastPage) links.push(link(lastPage, 'prev'), link(lastPage, 'last'));
  else if (page.page > 1) links.push(link(page.page - 1, 'prev'));
  if (page.page < lastPage) links.push(link(page.page + 1, 'next'), link(lastPage, 'last'));
  if (page.page > 1) links.push(link(1, 'first'));
  reply.header('Link', links.join(', '));
}
