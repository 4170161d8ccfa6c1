// Requests to a real provider whose answers are checked against GitHub's OpenAPI descriptions as
// they arrive (helpers/ghes-schema.ts), remembering which route answered which status; and the
// provider's route table (the routes buildApp registers), so a test can tell which routes no
// request reached.
import * as assert from 'node:assert/strict';
import Fastify from 'fastify';
import type { ProviderContext } from '../../../src/provider/context';
import { ROUTE_MODULES } from '../../../src/provider/routes';
import type { CallOptions, ApiResponse } from '../../builders/api-client';
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
   * `expected` and the body matches the schema GitHub documents for it. A GET answered with an ETag
   * is asked again with If-None-Match, and must answer 304 when GitHub documents a 304 for it.
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
    this.checkBody(route, res);
    const etag = res.headers.get('etag');
    if (method === 'GET' && etag && this.describe(method, template)?.operation.statuses.includes(304)) {
      const again = await this.t.api.call(method, path, { ...opts, headers: { ...(opts.headers ?? {}), 'if-none-match': etag } });
      assert.equal(again.status, 304, `${route} with If-None-Match: ${again.status}`);
      this.checkBody(route, again);
    }
    return res;
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
