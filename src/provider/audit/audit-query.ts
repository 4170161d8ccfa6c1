// The audit-log list parameters, GitHub's names: `phrase` (search qualifiers `action:`, `actor:`,
// `user:`, `created:` with a date, `>`, `>=`, `<`, `<=` or a `FROM..TO` range, and Tessera's own
// `token_id:`, the events about one token), `order` (`desc` newest first, the default, or `asc`),
// and the cursors `after` / `before` that the Link header hands out (the events after / before the
// cursor's event in the chosen order).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalidField } from '../http/errors';
import { Page, pageOf, setLinkHeader } from '../http/pagination';
import type { AuditEventRecord, AuditFilter, AuditQuery, AuditStore } from '../store/audit';
import { isoTime, YEAR_10000_MS } from '../iso-time';

/** The audit log's own query fields (pagedQuerySchema adds the paging ones). */
export const auditQueryFilters = {
  phrase: { type: 'string', maxLength: 200 },
  after: { type: 'string', maxLength: 100 },
  before: { type: 'string', maxLength: 100 },
  order: { type: 'string', enum: ['asc', 'desc'] },
} as const;

export interface AuditListQuery {
  phrase?: string;
  after?: string;
  before?: string;
  order?: 'asc' | 'desc';
  per_page?: string;
  page?: string;
}

const DAY = 86_400_000;

function auditCursor(id: number): string {
  return Buffer.from(`audit:${id}`, 'utf8').toString('base64url');
}

function cursorId(field: 'after' | 'before', value: string): number {
  const m = /^audit:([1-9][0-9]{0,14})$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!m) throw invalidField(field, 'is not a cursor from this audit log (take it from the Link header)');
  return Number(m[1]);
}

function day(value: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!d || Number.isNaN(d.getTime()) || isoTime(d).slice(0, 10) !== value) throw invalidField('phrase', `'created:' needs a date YYYY-MM-DD, got '${value.slice(0, 40)}'`);
  return d;
}

function createdRange(value: string): { createdFrom?: Date; createdBefore?: Date } {
  const range = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(value);
  if (range) return storedRange({ createdFrom: day(range[1]), createdBefore: new Date(day(range[2]).getTime() + DAY) });
  const cmp = /^(>=|<=|>|<)?(.*)$/.exec(value)!;
  const d = day(cmp[2]);
  switch (cmp[1]) {
    case '>=': return storedRange({ createdFrom: d });
    case '>': return storedRange({ createdFrom: new Date(d.getTime() + DAY) });
    case '<': return storedRange({ createdBefore: d });
    case '<=': return storedRange({ createdBefore: new Date(d.getTime() + DAY) });
    default: return storedRange({ createdFrom: d, createdBefore: new Date(d.getTime() + DAY) });
  }
}

/**
 * A range whose bound is the day after 9999-12-31 as the stores compare it: every stored time is
 * before the year 10000 (SQLite's text of one there, `+010000-…`, would sort before all of them),
 * so an upper bound there bounds nothing and a lower bound there leaves nothing.
 */
function storedRange(r: { createdFrom?: Date; createdBefore?: Date }): { createdFrom?: Date; createdBefore?: Date } {
  if ((r.createdFrom?.getTime() ?? 0) >= YEAR_10000_MS) {
    const last = new Date(YEAR_10000_MS - 1);
    return { createdFrom: last, createdBefore: last };
  }
  if (r.createdBefore && r.createdBefore.getTime() >= YEAR_10000_MS) return r.createdFrom ? { createdFrom: r.createdFrom } : {};
  return r;
}

/** The filters a `phrase` asks for (422 naming `phrase` for what is not supported). */
function phraseFilter(phrase: string | undefined): Partial<AuditQuery> {
  const out: Partial<AuditQuery> = {};
  for (const term of (phrase ?? '').split(/\s+/).filter(Boolean)) {
    const m = /^(action|actor|user|token_id|created):(.+)$/.exec(term);
    if (!m) throw invalidField('phrase', `supports the qualifiers action:, actor:, user:, token_id: and created: ('${term.slice(0, 40)}' is not one)`);
    const [, key, value] = m;
    if (key === 'action') {
      if (!/^[a-z_.]+$/.test(value)) throw invalidField('phrase', `'action:' needs an event name, got '${value.slice(0, 40)}'`);
      out.action = value;
    } else if (key === 'token_id') {
      if (!/^[1-9][0-9]{0,14}$/.test(value)) throw invalidField('phrase', `'token_id:' needs a token's id, got '${value.slice(0, 40)}'`);
      out.tokenId = Number(value);
    } else if (key === 'actor' || key === 'user') {
      if (!/^[A-Za-z0-9-]{1,39}$/.test(value)) throw invalidField('phrase', `'${key}:' needs a login`);
      if (key === 'actor') out.actorLogin = value;
      else out.userLogin = value;
    } else {
      Object.assign(out, createdRange(value));
    }
  }
  return out;
}

/** The store query of one audit-log page: `backwards` when it is read from its cursor towards the list's start. */
export interface AuditPageQuery {
  query: Omit<AuditQuery, 'involvingUserId' | 'orgId'>;
  backwards: boolean;
}

/** Everything the list query asks for, but the subject (user or org) the route adds. */
export function auditListQuery(q: AuditListQuery): AuditPageQuery & { page: Page } {
  const page = pageOf(q);
  const order = q.order ?? 'desc';
  const query: Omit<AuditQuery, 'involvingUserId' | 'orgId'> = { ...phraseFilter(q.phrase), order, limit: page.limit, offset: page.offset };
  // `after` continues in the list's order, `before` goes back: the page just before the cursor,
  // read from the cursor backwards (reversed order) and turned round by listAuditPage.
  const bound = (id: number, forward: boolean) => ((order === 'desc') === forward ? { idBelow: id } : { idAbove: id });
  if (q.after !== undefined && q.before !== undefined) throw invalidField('before', 'cannot be combined with after');
  if (q.after !== undefined) Object.assign(query, bound(cursorId('after', q.after), true));
  if (q.before === undefined) return { query, page, backwards: false };
  Object.assign(query, bound(cursorId('before', q.before), false), { order: order === 'desc' ? 'asc' : 'desc' });
  return { query, page, backwards: true };
}

/** The page's events in the list's order, for the route's subject (`involvingUserId` or `orgId`). */
export async function listAuditPage(store: AuditStore, { query, backwards }: AuditPageQuery, subject: AuditFilter): Promise<AuditEventRecord[]> {
  const events = await store.list({ ...query, ...subject });
  return backwards ? events.reverse() : events;
}

/**
 * The Link header: page links as on every list (`total` counts the matching events), and with a
 * cursor (`after`/`before` given) a `next` link carrying `after` = the last event's cursor.
 */
export async function setAuditLinkHeader(
  request: FastifyRequest<{ Querystring: AuditListQuery }>,
  reply: FastifyReply,
  page: Page,
  events: AuditEventRecord[],
  total: () => Promise<number>,
  origin: string,
): Promise<void> {
  const q = request.query;
  if (q.after === undefined && q.before === undefined) {
    setLinkHeader(request, reply, page, await total(), origin);
    return;
  }
  if (events.length < page.perPage) return;
  const url = new URL(request.url, origin);
  url.searchParams.delete('before');
  url.searchParams.delete('page');
  url.searchParams.set('after', auditCursor(events[events.length - 1].id));
  reply.header('Link', `<${url.toString()}>; rel="next"`);
}
