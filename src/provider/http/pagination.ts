// GitHub-style pagination: `per_page` (1–100, default 30) and `page` (from 1), with a Link header.
import type { FastifyReply, FastifyRequest } from 'fastify';

export const paginationQuerySchema = {
  per_page: { type: 'string', pattern: '^[0-9]{1,3}$', maxLength: 3 },
  page: { type: 'string', pattern: '^[0-9]{1,6}$', maxLength: 6 },
} as const;

export interface Page {
  perPage: number;
  page: number;
  limit: number;
  offset: number;
}

export function pageOf(query: { per_page?: string; page?: string }): Page {
  const perPage = Math.min(100, Math.max(1, query.per_page ? Number(query.per_page) : 30));
  const page = Math.max(1, query.page ? Number(query.page) : 1);
  return { perPage, page, limit: perPage, offset: (page - 1) * perPage };
}

/** Sets `Link: <...>; rel="next"` when a full page came back (there may be more). */
export function setLinkHeader(request: FastifyRequest, reply: FastifyReply, page: Page, returned: number, origin: string): void {
  const links: string[] = [];
  const url = new URL(request.url, origin);
  if (returned >= page.perPage) {
    url.searchParams.set('page', String(page.page + 1));
    url.searchParams.set('per_page', String(page.perPage));
    links.push(`<${url.toString()}>; rel="next"`);
  }
  if (page.page > 1) {
    url.searchParams.set('page', String(page.page - 1));
    url.searchParams.set('per_page', String(page.perPage));
    links.push(`<${url.toString()}>; rel="prev"`);
  }
  if (links.length) reply.header('Link', links.join(', '));
}
