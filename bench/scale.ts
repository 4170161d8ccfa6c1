// bench/scale: Tessera at 1,000,000 tokens for 100,000 users, on SQLite (a file in a scratch
// folder) and on PostgreSQL (a real server started for the run, test/harness/postgres.ts, fsync
// off), side by side. For each engine: a few rows made through the API serve as templates, the
// bulk is loaded straight into the store's database (bench/scale-load.ts), then it measures
//  - token verification on a cache miss: auth/token-auth.ts's authenticateToken (shape and
//    checksum, digest, the principal cache, the store's look-up by digest, the checks) for
//    tokens spread over the whole set, each verified once, so never in the cache; for tokens used
//    in the last minute (no write) and for tokens not (last_used_at written);
//  - creating a classic token through the service (tokens/token-service.ts), for a user with a
//    few tokens and for the heavy user;
//  - over HTTP, the first page and page 1,000 (30 a page) of the heavy user's 30,000 tokens and of
//    an org's approval queue of 30,000 pending requests.
// Figures are printed, never asserted; targets are printed next to them.
//   npm run bench:scale   [-- --tokens 1000000 --users 100000 --samples 2000]
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { authenticateToken } from '../src/provider/auth/token-auth';
import { ManualClock, MINUTE } from '../src/provider/clock';
import { createProviderContext } from '../src/provider/create-context';
import { startProvider } from '../src/provider/index';
import { keyFileSource } from '../src/provider/secrets/data-key';
import { openPostgresStore } from '../src/provider/store/postgres/postgres-store';
import { openSqliteStore, SqliteStore } from '../src/provider/store/sqlite/sqlite-store';
import { createToken } from '../src/provider/tokens/token-service';
import { startPostgres } from '../test/harness/postgres';
import { BENCH_RATE_LIMIT } from './route-mix-fixture';
import { LoadPlan, loadPostgres, loadSqlite, Templates } from './scale-load';

const HEAVY_TOKENS = 30_000;
const QUEUED = 30_000;
const PAGE_RUNS = 20;
const CREATE_RUNS = 100;
const WARM_UP = 200;

interface Made {
  templates: Templates;
  ownerToken: string;
  heavyToken: string;
  heavyUserId: number;
}

async function call(base: string, method: string, p: string, auth: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}/api/v3${p}`, {
    method,
    headers: { ...(auth ? { authorization: auth } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** The few rows made through the API: an org that requires approval, its owner, a member with a classic and a pending fine-grained token, the heavy user. */
async function makeThroughApi(dataDir: string, databaseUrl?: string): Promise<Made> {
  const provider = await startProvider({ dataDir, ...(databaseUrl ? { databaseUrl } : {}), tls: 'off', port: 0, host: '127.0.0.1', sweepIntervalMs: 24 * 3600_000, rateLimit: BENCH_RATE_LIMIT });
  try {
    const base = provider.url;
    const password = 'bench-password-1234';
    const signUp = async (login: string, scopes: string[]) => {
      const user = await call(base, 'POST', '/users', '', { login, email: `${login}@example.test`, password });
      const basic = `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
      const auth = await call(base, 'POST', '/authorizations', basic, { note: `bench ${login}`, scopes });
      return { id: user.id as number, token: `token ${auth.token as string}` };
    };
    const owner = await signUp('bench', ['admin:org', 'admin:token', 'user']);
    const member = await signUp('member', ['admin:token', 'user']);
    const heavy = await signUp('heavy', ['admin:token', 'user']);
    await call(base, 'POST', '/user/orgs', owner.token, { login: 'bench-org' });
    await call(base, 'PUT', '/orgs/bench-org/memberships/member', owner.token, { role: 'member' });
    await call(base, 'PATCH', '/user/memberships/orgs/bench-org', member.token, { state: 'active' });
    await call(base, 'PATCH', '/orgs/bench-org/personal-access-token-policy', owner.token, { require_approval: true });
    const classic = await call(base, 'POST', '/user/personal-access-tokens', member.token, { name: 'template classic', scopes: ['repo'] });
    const pending = await call(base, 'POST', '/user/personal-access-tokens', member.token, {
      kind: 'fine_grained',
      name: 'template fine-grained',
      expires_in_days: 30,
      resource_owner: 'bench-org',
      repository_selection: 'all',
      permissions: { repository: { contents: 'read', metadata: 'read' } },
    });
    const [request] = await call(base, 'GET', '/orgs/bench-org/personal-access-token-requests', owner.token);
    const org = await call(base, 'GET', '/orgs/bench-org', owner.token);
    return {
      templates: { userId: member.id, membershipUserId: member.id, orgId: org.id, classicTokenId: classic.id, pendingTokenId: pending.id, requestId: request.id },
      ownerToken: owner.token,
      heavyToken: heavy.token,
      heavyUserId: heavy.id,
    };
  } finally {
    await provider.close();
  }
}

interface Stat {
  p50: number;
  p99: number;
}

function stat(ms: number[]): Stat {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p99: at(0.99) };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function shuffle<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

interface EngineResult {
  users: number;
  tokens: number;
  loadSeconds: number;
  figures: Record<string, Stat>;
}

async function runEngine(dataDir: string, sizes: { users: number; tokens: number; samples: number }, databaseUrl?: string): Promise<EngineResult> {
  const made = await makeThroughApi(dataDir, databaseUrl);
  const start = new Date();
  const plan: LoadPlan = {
    users: sizes.users,
    tokens: sizes.tokens,
    heavyUserId: made.heavyUserId,
    heavyTokens: HEAVY_TOKENS,
    queued: QUEUED,
    lastUsedAt: start,
    // Enough classic tokens' secrets for the warm-up and both verification runs.
    sampleEvery: Math.max(1, Math.floor((sizes.tokens - QUEUED) / (WARM_UP + Math.ceil(sizes.samples * 1.25) + 100))),
  };
  const figures: Record<string, Stat> = {};
  const store = databaseUrl ? await openPostgresStore(databaseUrl, { dataKey: keyFileSource(dataDir), dataDir }) : await openSqliteStore(dataDir);
  let loaded;
  let loadSeconds: number;
  try {
    const began = Date.now();
    if (store instanceof SqliteStore) loaded = loadSqlite(store.db, made.templates, plan);
    else {
      const client = await store.pool.connect();
      try {
        loaded = await loadPostgres(client, made.templates, plan);
      } finally {
        client.release();
      }
    }
    loadSeconds = (Date.now() - began) / 1000;
    console.log(`  loaded ${loaded.users.toLocaleString('en')} users, ${loaded.tokens.toLocaleString('en')} tokens in ${loadSeconds.toFixed(0)} s`);

    // The service paths, over the loaded store, on a clock that starts when the tokens were last used.
    const clock = new ManualClock(start);
    const ctx = createProviderContext(store, { clock });
    const samples = shuffle(loaded.samples);
    const warm = samples.splice(0, WARM_UP);
    for (const secret of warm) await authenticateToken(ctx, secret);
    const recent = samples.splice(0, sizes.samples);
    const recentMs: number[] = [];
    for (const s of recent) recentMs.push(await timed(() => authenticateToken(ctx, s)));
    figures.verify = stat(recentMs);
    clock.advance(2 * MINUTE);
    const stale = samples.splice(0, Math.floor(sizes.samples / 4));
    const staleMs: number[] = [];
    for (const s of stale) staleMs.push(await timed(() => authenticateToken(ctx, s)));
    figures.verifyWrite = stat(staleMs);

    const typical = await ctx.store.users.byLogin(`u${sizes.users}`);
    const heavy = await ctx.store.users.byId(made.heavyUserId);
    for (const [key, user] of [['createTypical', typical], ['createHeavy', heavy]] as const) {
      if (!user) throw new Error(`no user for ${key}`);
      const caller = { principal: { user, method: 'password' as const, freshProof: true }, ip: '127.0.0.1' };
      const ms: number[] = [];
      for (let i = 0; i < CREATE_RUNS + 10; i++) {
        const t = await timed(() => createToken(ctx, caller, { name: `scale ${key} ${i}`, scopes: ['repo'] }));
        if (i >= 10) ms.push(t);
      }
      figures[key] = stat(ms);
    }
  } finally {
    await store.close();
  }

  const provider = await startProvider({ dataDir, ...(databaseUrl ? { databaseUrl } : {}), tls: 'off', port: 0, host: '127.0.0.1', sweepIntervalMs: 24 * 3600_000, rateLimit: BENCH_RATE_LIMIT });
  try {
    const get = async (p: string, auth: string) => {
      const res = await fetch(`${provider.url}/api/v3${p}`, { headers: { authorization: auth } });
      const body = (await res.json()) as unknown[];
      if (res.status !== 200 || body.length !== 30) throw new Error(`GET ${p}: ${res.status}, ${body.length} items`);
    };
    const pages: [string, string, string][] = [
      ['tokensPage1', '/user/personal-access-tokens?page=1', made.heavyToken],
      ['tokensPage1000', '/user/personal-access-tokens?page=1000', made.heavyToken],
      ['queuePage1', '/orgs/bench-org/personal-access-token-requests?page=1', made.ownerToken],
      ['queuePage1000', '/orgs/bench-org/personal-access-token-requests?page=1000', made.ownerToken],
    ];
    for (const [key, p, auth] of pages) {
      for (let i = 0; i < 2; i++) await get(p, auth);
      const ms: number[] = [];
      for (let i = 0; i < PAGE_RUNS; i++) ms.push(await timed(() => get(p, auth)));
      figures[key] = stat(ms);
    }
  } finally {
    await provider.close();
  }
  return { users: loaded.users, tokens: loaded.tokens, loadSeconds, figures };
}

const ROWS: [key: string, label: string, target: string][] = [
  ['verify', 'verify a token, cache miss (used < 1 min ago)', 'p99 < 2 ms'],
  ['verifyWrite', 'verify a token, cache miss + last_used_at write', ''],
  ['createTypical', 'create a classic token (service), ~10 tokens', ''],
  ['createHeavy', 'create a classic token (service), heavy user', ''],
  ['tokensPage1', "GET a user's tokens, page 1 (HTTP)", ''],
  ['tokensPage1000', "GET a user's tokens, page 1,000 (HTTP)", '≈ page 1 (keyset)'],
  ['queuePage1', "GET an org's approval queue, page 1 (HTTP)", ''],
  ['queuePage1000', "GET an org's approval queue, page 1,000 (HTTP)", '≈ page 1 (keyset)'],
];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tokens: { type: 'string' }, users: { type: 'string' }, samples: { type: 'string' } } });
  const sizes = { tokens: Number(values.tokens ?? 1_000_000), users: Number(values.users ?? 100_000), samples: Number(values.samples ?? 2_000) };
  if (sizes.users < QUEUED + 10 || sizes.tokens < 2 * (HEAVY_TOKENS + QUEUED)) throw new Error(`--users must be at least ${QUEUED + 10} and --tokens at least ${2 * (HEAVY_TOKENS + QUEUED)}`);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'tessera-bench-scale-'));
  const pg = await startPostgres({ database: 'bench' });
  try {
    console.log(`scale benchmark: ${sizes.tokens.toLocaleString('en')} tokens for ${sizes.users.toLocaleString('en')} users in each engine`);
    console.log('SQLite:');
    const sqlite = await runEngine(path.join(tmp, 'sqlite'), sizes);
    console.log('PostgreSQL:');
    const postgres = await runEngine(path.join(tmp, 'postgres'), sizes, pg.url);
    const cell = (s: Stat) => `${s.p50.toFixed(2)} / ${s.p99.toFixed(2)}`.padStart(17);
    console.log(`\n${'p50 / p99 in ms'.padEnd(50)} ${'SQLite'.padStart(17)} ${'PostgreSQL'.padStart(17)}  target`);
    for (const [key, label, target] of ROWS) console.log(`${label.padEnd(50)} ${cell(sqlite.figures[key])} ${cell(postgres.figures[key])}  ${target}`);
    console.log(`${'bulk load (s)'.padEnd(50)} ${sqlite.loadSeconds.toFixed(0).padStart(17)} ${postgres.loadSeconds.toFixed(0).padStart(17)}`);
    console.log(
      `\n(heavy user: ${HEAVY_TOKENS.toLocaleString('en')} classic tokens; approval queue: ${QUEUED.toLocaleString('en')} pending requests; ` +
        `${sizes.samples} verifications, ${CREATE_RUNS} creations, ${PAGE_RUNS} requests a page; ${os.cpus().length} CPU(s), shared with PostgreSQL)`,
    );
  } finally {
    await pg.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
