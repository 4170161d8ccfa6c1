// The data bench/route-mix measures, made through Tessera's API on a fresh provider: an owner who
// sees five repositories and has a page of tokens, an org that requires approval, and a member
// whose fine-grained tokens wait in its queue; and what Tessera answers to each measured request
// (the bare server sends those answers back).
import { startProvider } from '../src/provider/index';

export type Kind = 'single' | 'list' | 'git';

export interface Route {
  id: string;
  kind: Kind;
  label: string;
  request: CannonRequest;
}

/** What Tessera answered for a path, which the bare server sends back. */
export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** Everything the servers need to know, made once by `setUp`. */
export interface Fixture {
  dataDir: string;
  /** The PostgreSQL database it was made in (undefined: SQLite in dataDir). */
  databaseUrl?: string;
  token: string;
  routes: Route[];
  answers: Record<string, Answer>;
  /** The providers' rate limits (BENCH_RATE_LIMIT). */
  rateLimit: { authenticated: number; anonymous: number };
}

export interface CannonRequest {
  method: 'GET';
  path: string;
  headers: Record<string, string>;
}

async function call(base: string, method: string, p: string, auth: string, body?: unknown): Promise<{ status: number; json: any; text: string; contentType: string }> {
  const res = await fetch(base + p, {
    method,
    headers: { ...(auth ? { authorization: auth } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  return { status: res.status, json: contentType.includes('json') && text ? JSON.parse(text) : undefined, text, contentType };
}

async function ok(what: string, p: Promise<{ status: number; json: any; text: string }>): Promise<any> {
  const res = await p;
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${res.text}`);
  return res.json;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * The bench sends far more than GitHub's hourly limits from one user and one address: a limit it
 * never reaches keeps every request counted (what counting costs is measured) without refusals.
 */
export const BENCH_RATE_LIMIT = { authenticated: 1_000_000_000, anonymous: 1_000_000_000 };

export async function setUp(dataDir: string, databaseUrl?: string): Promise<Fixture> {
  const provider = await startProvider({ dataDir, ...(databaseUrl ? { databaseUrl } : {}), tls: 'off', port: 0, host: '127.0.0.1', sweepIntervalMs: 24 * 3600_000, rateLimit: BENCH_RATE_LIMIT });
  try {
    const api = `${provider.url}/api/v3`;
    const password = 'bench-password-1234';
    const signUp = async (login: string, scopes: string[]) => {
      await ok('sign-up', call(api, 'POST', '/users', '', { login, email: `${login}@example.test`, password }));
      const auth = await ok('token', call(api, 'POST', '/authorizations', basic(login, password), { note: `bench ${login}`, scopes }));
      return `token ${auth.token as string}`;
    };
    const owner = await signUp('bench', ['repo', 'user', 'admin:org', 'admin:token', 'delete_repo']);
    const member = await signUp('member', ['repo', 'user', 'admin:token']);
    // Five repositories the owner sees: four of their own and one of the org (below).
    for (let i = 1; i <= 4; i++) await ok('repo', call(api, 'POST', '/user/repos', owner, { name: `repo-${i}`, private: i % 2 === 1 }));
    await ok('org', call(api, 'POST', '/user/orgs', owner, { login: 'bench-org' }));
    await ok('org repo', call(api, 'POST', '/orgs/bench-org/repos', owner, { name: 'shared', private: true }));
    await ok('invite', call(api, 'PUT', '/orgs/bench-org/memberships/member', owner, { role: 'member' }));
    await ok('accept', call(api, 'PATCH', '/user/memberships/orgs/bench-org', member, { state: 'active' }));
    await ok('policy', call(api, 'PATCH', '/orgs/bench-org/personal-access-token-policy', owner, { require_approval: true }));
    const fineGrained = (resourceOwner: string, i: number, repositories?: string[]) => ({
      kind: 'fine_grained',
      name: `fg ${resourceOwner} ${i}`,
      expires_in_days: 30,
      resource_owner: resourceOwner,
      ...(repositories ? { repository_selection: 'subset', repositories } : { repository_selection: 'all' }),
      permissions: { repository: { contents: 'read', metadata: 'read' } },
    });
    // A page (30) of the owner's tokens: the bench token, 19 classic, 10 fine-grained.
    for (let i = 0; i < 19; i++) await ok('classic', call(api, 'POST', '/user/personal-access-tokens', owner, { name: `classic ${i}`, scopes: ['repo'] }));
    for (let i = 0; i < 5; i++) await ok('fine-grained', call(api, 'POST', '/user/personal-access-tokens', owner, fineGrained('bench', i, ['repo-1', 'repo-2'])));
    for (let i = 0; i < 5; i++) await ok('fine-grained', call(api, 'POST', '/user/personal-access-tokens', owner, fineGrained('bench-org', i)));
    // Ten requests in the org's queue.
    for (let i = 0; i < 10; i++) await ok('request', call(api, 'POST', '/user/personal-access-tokens', member, fineGrained('bench-org', 100 + i, ['shared'])));

    const secret = owner.slice('token '.length);
    const tokenHeaders = { authorization: owner };
    const gitHeaders = { authorization: basic('x-access-token', secret) };
    const route = (id: string, kind: Kind, label: string, p: string, headers = tokenHeaders): Route => ({ id, kind, label, request: { method: 'GET', path: p, headers } });
    const routes = [
      route('user', 'single', 'GET /user', '/api/v3/user'),
      route('repo', 'single', 'GET /repos/{owner}/{repo}', '/api/v3/repos/bench/repo-1'),
      route('user-repos', 'list', 'GET /user/repos (5)', '/api/v3/user/repos'),
      route('tokens', 'list', 'GET /user/personal-access-tokens (30)', '/api/v3/user/personal-access-tokens'),
      route('requests', 'list', 'GET /orgs/{org}/personal-access-token-requests (10)', '/api/v3/orgs/bench-org/personal-access-token-requests'),
      route('info-refs', 'git', 'GET {repo}.git/info/refs (upload-pack)', '/bench/repo-1.git/info/refs?service=git-upload-pack', gitHeaders),
    ];
    const answers: Record<string, Answer> = {};
    for (const r of routes) {
      const res = await fetch(provider.url + r.request.path, { headers: r.request.headers });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${r.label}: ${res.status} ${body}`);
      answers[r.request.path] = { status: res.status, contentType: res.headers.get('content-type') ?? '', body };
    }
    return { dataDir, ...(databaseUrl ? { databaseUrl } : {}), token: secret, routes, answers, rateLimit: BENCH_RATE_LIMIT };
  } finally {
    await provider.close();
  }
}
