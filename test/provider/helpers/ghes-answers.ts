// Requests to a real provider whose answers are checked against GitHub's OpenAPI descriptions as
// they arrive (helpers/ghes-schema.ts), remembering which route answered which status; and the
// provider's route table (the routes buildApp registers), so a test can tell which routes no
// request reached.
import * as assert from 'node:assert/strict';
import Fastify from 'fastify';
import type { ProviderContext } from '../../../src/provider/context';
import { ROUTE_MODULES } from '../../../src/provider/routes';
import type { CallOptions, ApiResponse } from '../../builders/api-client';
import { checkCommonHeaders, checkErrorBody, checkLocation, linkRels } from './ghes-headers';
import type { DescribedOperation, OpenApiDescription } from './ghes-schema';
import type { TestProvider } from './provider';

const API_PREFIX = '/api/v3';

/** Every route the provider registers, as `METHOD /path` with `{param}`s; REST routes without the /api/v3 prefix. */
export async function providerRoutes(ctx: ProviderContext): Promise<string[]> {
  const app = Fastify();
  const routes: string[] = [];
  app.addHook('onRoute', (route) => {
    const url = route.url === API_PREFIX ? '/' : route.url.startsWith(`${API_PREFIX}/`) ? route.url.slice(API_PREFIX.length) : route.url;
    const path = url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
    for (const method of ([] as string[]).concat(route.method)) if (method !== 'HEAD') routes.push(`${method} ${path}`);
  });
  for (const register of ROUTE_MODULES) register(app, ctx);
  await app.ready();
  await app.close();
  return [...new Set(routes)];
}

export class ValidatedApi {
  /** `METHOD /path` (the route's own `{param}` names) → the statuses it answered. */
  readonly answered = new Map<string, Set<number>>();
  /** The lists whose Link header was checked (GitHub documents one on their 200). */
  readonly paged = new Set<string>();
  /** `METHOD /path` → the query parameters sent to it whose answer was validated. */
  readonly queried = new Map<string, Set<string>>();

  /** The first of `descriptions` that has an operation decides each answer's shape. */
  constructor(
    private readonly t: TestProvider,
    readonly descriptions: readonly OpenApiDescription[],
  ) {}

  /** The description that documents `method path`, and its operation. */
  describe(method: string, path: string): { description: OpenApiDescription; operation: DescribedOperation } | undefined {
    for (const description of this.descriptions) {
      const operation = description.operation(method, path);
      if (operation) return { description, operation };
    }
    return undefined;
  }

  /**
   * Calls `route` (e.g. `GET /repos/{owner}/{repo}`, a query may follow) with `params` filled in, asserts the status is
   * `expected`, the body matches the schema GitHub documents for it, and the headers clients read
   * (ghes-headers.ts; Location where GitHub documents it). A successful GET has an ETag and is
   * asked again with If-None-Match: 304, no body. A list GitHub documents a Link header for is
   * read again a page of one at a time: its Link header (helpers/ghes-headers.ts linkRels).
   */
  async call<T = any>(route: string, params: Record<string, string | number>, opts: CallOptions, expected: number): Promise<ApiResponse<T>> {
    const [method, target] = route.split(' ');
    const [template, query] = target.split('?');
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      assert.ok(params[name] !== undefined, `${route}: no value for {${name}}`);
      return encodeURIComponent(String(params[name]));
    }) + (query !== undefined ? `?${query}` : '');
    const res = await this.t.api.call<T>(method, path, opts);
    assert.equal(res.status, expected, `${route} (${path}) answered ${res.status}: ${res.text.slice(0, 500)}`);
    route = `${method} ${template}`;
    this.checkAnswer(route, res, opts);
    this.noteQuery(route, query);
    const documented = this.describe(method, template)!;
    const headers = documented.description.headers(method, template, res.status);
    if (headers.includes('location')) checkLocation(route, res, this.t.api.apiUrl);
    if (method === 'GET' && res.status < 300 && res.text !== '') {
      const etag = res.headers.get('etag');
      assert.match(etag ?? '', /^W\/"[^"]+"$/, `${route} ${res.status}: a weak ETag`);
      const again = await this.t.api.call(method, path, { ...opts, headers: { ...(opts.headers ?? {}), 'if-none-match': etag! } });
      assert.equal(again.status, 304, `${route} with If-None-Match: ${again.status}`);
      assert.equal(again.text, '', `${route} 304: no body`);
      assert.equal(again.headers.get('etag'), etag, `${route} 304: the ETag again`);
      checkCommonHeaders(route, again, opts);
      if (documented.operation.statuses.includes(304)) this.checkBody(route, again);
    }
    if (headers.includes('link') && !/(^|&)(page|per_page)=/.test(query ?? '')) await this.checkPages(route, path, opts, res);
    return res;
  }

  /**
   * A list's Link header: none when it fits on the first page; read with `per_page=1`, page 1 has
   * `next` and `last` (when it has two items or more), page 2 `prev` and `first` (and `next`,
   * `last` with three or more, or `last` when it lies past the end of a list of one), each link at
   * the same path keeping the other query parameters.
   */
  private async checkPages(route: string, path: string, opts: CallOptions, first: ApiResponse): Promise<void> {
    assert.ok(Array.isArray(first.json), `${route}: a list`);
    const n = first.json.length;
    assert.ok(n < 30, `${route}: the fixture's list fits on one default page`);
    assert.deepEqual(linkRels(first), {}, `${route}: no Link on a list that fits on one page`);
    const [bare, query] = path.split('?');
    const kept = new URLSearchParams(query ?? '');
    const read = async (page: number, rels: Record<string, number>) => {
      const res = await this.t.api.call('GET', `${path}${query !== undefined ? '&' : '?'}per_page=1&page=${page}`, opts);
      assert.equal(res.status, 200, `${route} page ${page}: ${res.text.slice(0, 300)}`);
      this.checkAnswer(route, res, opts);
      this.noteQuery(route, 'per_page&page');
      assert.equal(res.json.length, page <= n ? 1 : 0, `${route} page ${page} of ${n}`);
      const links = linkRels(res);
      assert.deepEqual(Object.fromEntries(Object.entries(links).map(([rel, url]) => [rel, Number(url.searchParams.get('page'))])), rels, `${route} page ${page} of ${n}: ${res.headers.get('link')}`);
      for (const url of Object.values(links)) {
        assert.equal(`${url.origin}${url.pathname}`, `${this.t.api.apiUrl}${bare}`, `${route}: a link to the same list`);
        assert.equal(url.searchParams.get('per_page'), '1', `${route}: a link keeps per_page`);
        for (const [name, value] of kept) assert.equal(url.searchParams.get(name), value, `${route}: a link keeps ${name}`);
      }
      return links;
    };
    if (n >= 2) {
      const next = (await read(1, { next: 2, last: n })).next;
      const followed = await this.t.api.call('GET', next.href, opts);
      assert.equal(followed.status, 200, `${route}: its next link`);
      this.checkAnswer(route, followed, opts);
    }
    // Page 2 of a list of one (or none) lies past its end: as on GitHub, its `prev` and `last` lead to page 1.
    await read(2, n >= 3 ? { prev: 1, next: 3, last: n, first: 1 } : n === 2 ? { prev: 1, first: 1 } : { prev: 1, last: 1, first: 1 });
    this.paged.add(route);
  }

  private noteQuery(route: string, query: string | undefined): void {
    if (!query) return;
    let names = this.queried.get(route);
    if (!names) this.queried.set(route, (names = new Set()));
    for (const name of new URLSearchParams(query).keys()) names.add(name);
  }

  private checkAnswer(route: string, res: ApiResponse, opts: CallOptions): void {
    this.checkBody(route, res);
    checkCommonHeaders(route, res, opts);
    if (res.status >= 400) checkErrorBody(route, res, this.t.api.origin);
  }

  private checkBody(route: string, res: ApiResponse): void {
    const [method, template] = route.split(' ');
    const body = res.json !== undefined ? res.json : res.text === '' ? undefined : res.text;
    const described = this.describe(method, template);
    assert.ok(described, `GitHub documents no ${route}`);
    const problems = described.description.check(method, template, res.status, body);
    assert.deepEqual(problems, [], `${route} ${res.status} against ${described.description.name}'s schema:\n${problems.join('\n')}\n${res.text.slice(0, 2000)}`);
    let statuses = this.answered.get(route);
    if (!statuses) this.answered.set(route, (statuses = new Set()));
    statuses.add(res.status);
  }
}
