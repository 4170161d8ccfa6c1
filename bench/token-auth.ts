// bench/token-auth: GET /api/v3/user with a valid classic token on Tessera, against a bare
// node:http server answering a JSON body of the same size, both driven by autocannon in one run
// on this machine. Each server runs in its own child process (autocannon in this one), plain
// HTTP on 127.0.0.1 for all, keep-alive connections for all.
// This machine is a shared VM whose speed drifts by tens of percent within seconds (the bare
// server alone, measured in 2 s slices, ranged 25-48 µs of CPU per request in one process), so:
//  - each round measures every server in short slices, interleaved (T,F,M,B then B,M,F,T, ...,
//    after a warm-up of each): drift hits all servers alike instead of whichever ran at a bad
//    moment; a server's figures add up its slices;
//  - every round starts fresh server processes: the same code in two processes can differ by
//    15-20% in CPU per request (seen in A/A runs on this machine), so one process per server for
//    the whole run would let one unlucky process decide every round;
//  - the verdict uses the median of the per-round ratios.
// Prints req/s, p50/p99 latency, each server's own CPU time per request (less sensitive to other
// load than req/s), the machine's load average, and the ratio (target >= 60%).
//
// Tessera answers this request (a token it has cached, nothing to write) in its fast lane in front
// of Fastify (src/provider/routes/user-fast-lane.ts); every other request goes through Fastify.
// Two more servers in every round show what the framework itself allows on this machine:
//  - "Fastify alone": Fastify 5 (the provider's framework), one route, no hook, no token check;
//    the handler sets the same response headers and sends the same body.
//  - "Fastify floor": the same with one synchronous hook that does the least a token check can do
//    — the same checksum test, SHA-256 and constant-time comparison, one Map look-up, the same four
//    response headers, on every request. No database, no guards, no expiry or last-used
//    bookkeeping. (Tessera hashes a token once per connection, src/provider/auth/connection-token.ts,
//    which the floor does not: that is the one saving Tessera has over it.)
//   npm run bench:token-auth   [-- --duration 10 --slices 5 --connections 50 --rounds 3 --warmup 3]
import { ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type * as FastifyModule from 'fastify';
import type * as ProviderModule from '../src/provider/index';
import type * as TokenFormatModule from '../src/shared/token-format';

interface AutocannonResult {
  requests: { average: number; total: number };
  /** Seconds the run took. */
  duration: number;
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: { url: string; headers?: Record<string, string>; connections: number; duration: number }) => Promise<AutocannonResult>;

// Each process loads only what it runs: the bare server nothing but node:http, the floor Fastify,
// Tessera the provider, and only this parent autocannon. A process that has loaded more code
// (Tessera's whole module graph, say) answers HTTP requests measurably more slowly, which would
// otherwise be charged to the wrong server.
/* eslint-disable @typescript-eslint/no-require-imports */
const load = {
  autocannon: () => require('autocannon') as Autocannon, // ships no type declarations
  fastify: () => require('fastify') as typeof FastifyModule,
  provider: () => require('../src/provider/index') as typeof ProviderModule,
  tokenFormat: () => require('../src/shared/token-format') as typeof TokenFormatModule,
};
/* eslint-enable @typescript-eslint/no-require-imports */

type Role = 'tessera' | 'bare' | 'floor' | 'fastify';
/** Every round starts and measures them in this order, or the reverse. */
const ROLES: readonly Role[] = ['tessera', 'floor', 'fastify', 'bare'];

// ---- child side ----

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function serveChild(role: Role): Promise<void> {
  if (role === 'tessera') {
    const dataDir = process.env.TESSERA_BENCH_DATA!;
    const provider = await load.provider().startProvider({ dataDir, tls: 'off', port: 0, host: '127.0.0.1', sweepIntervalMs: 24 * 3600_000 });
    process.send!({ url: `${provider.url}/api/v3/user` });
    process.on('message', async (m: { stop?: boolean; cpu?: boolean }) => {
      if (m.cpu) process.send!({ cpu: cpuMicros() });
      if (m.stop) {
        await provider.close();
        process.exit(0);
      }
    });
  } else if (role === 'fastify') {
    process.on('message', async (m: { body?: string; stop?: boolean; cpu?: boolean }) => {
      if (m.cpu) process.send!({ cpu: cpuMicros() });
      if (m.body !== undefined) {
        const { default: Fastify } = load.fastify();
        const body = m.body;
        const app = Fastify({ logger: false });
        app.get('/api/v3/user', (_request, reply) => {
          reply.header('cache-control', 'no-store');
          reply.header('x-content-type-options', 'nosniff');
          reply.header('x-oauth-scopes', 'repo, user');
          reply.header('x-accepted-oauth-scopes', '');
          reply.type('application/json; charset=utf-8').send(body);
        });
        await app.listen({ port: 0, host: '127.0.0.1' });
        process.send!({ url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v3/user` });
      }
      if (m.stop) process.exit(0);
    });
  } else if (role === 'floor') {
    process.on('message', async (m: { body?: string; token?: string; stop?: boolean; cpu?: boolean }) => {
      if (m.cpu) process.send!({ cpu: cpuMicros() });
      if (m.body !== undefined && m.token !== undefined) {
        const { default: Fastify } = load.fastify();
        const { parseToken, tokenDigest } = load.tokenFormat();
        const body = m.body;
        const stored = Buffer.from(tokenDigest(m.token), 'hex');
        const principals = new Map([[tokenDigest(m.token), { scopes: ['repo', 'user'] }]]);
        const app = Fastify({ logger: false });
        app.addHook('onRequest', (request, reply, done) => {
          const secret = (request.headers.authorization ?? '').replace(/^token /, '');
          const digest = parseToken(secret) ? tokenDigest(secret) : '';
          const principal = principals.get(digest);
          if (!principal || !timingSafeEqual(stored, Buffer.from(digest, 'hex'))) {
            reply.code(401).send({ message: 'Bad credentials' });
            return;
          }
          reply.header('cache-control', 'no-store');
          reply.header('x-content-type-options', 'nosniff');
          reply.header('x-oauth-scopes', principal.scopes.join(', '));
          reply.header('x-accepted-oauth-scopes', '');
          done();
        });
        app.get('/api/v3/user', (_request, reply) => {
          reply.type('application/json; charset=utf-8').send(body);
        });
        await app.listen({ port: 0, host: '127.0.0.1' });
        process.send!({ url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v3/user` });
      }
      if (m.stop) process.exit(0);
    });
  } else {
    let body = '';
    process.on('message', (m: { body?: string; stop?: boolean; cpu?: boolean }) => {
      if (m.cpu) process.send!({ cpu: cpuMicros() });
      if (m.body !== undefined) {
        body = m.body;
        const payload = Buffer.from(body);
        const server = http.createServer((_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': payload.length });
          res.end(payload);
        });
        server.keepAliveTimeout = 72_000;
        server.listen(0, '127.0.0.1', () => process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3/user` }));
      }
      if (m.stop) process.exit(0);
    });
  }
}

// ---- parent side ----

interface Server {
  role: Role;
  child: ChildProcess;
  url: string;
}

/**
 * Starts one server process and waits for its URL. Tessera serves at once (from the data
 * directory); the others are sent the body (and the floor the token) to answer with.
 */
async function startServer(role: Role, init: { dataDir: string; body?: string; token?: string }): Promise<Server> {
  const env = role === 'tessera' ? { TESSERA_BENCH_DATA: init.dataDir } : {};
  const child = fork(__filename, ['--child', role], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`${role} server exited (${code})`)));
  });
  if (role !== 'tessera') child.send({ body: init.body, ...(role === 'floor' ? { token: init.token } : {}) });
  return { role, child, url: await url };
}

async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((resolve) => s.child.once('exit', resolve));
  s.child.send({ stop: true });
  await exited;
}

async function json(url: string, init: RequestInit): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
}

interface Figures {
  rps: number;
  p99: number;
  p50: number;
  /** The server process's own CPU time (user + system) per request, µs. */
  cpuPerRequest: number;
  non2xx: number;
  errors: number;
}

/** The child's CPU time so far (µs), asked over IPC. */
function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m: { cpu: number }) => resolve(m.cpu));
    child.send({ cpu: true });
  });
}

interface DriveOptions {
  connections: number;
  /** Seconds of measurement per server and round, split into `slices`. */
  duration: number;
  slices: number;
  warmup: number;
}

/** One measured slice: autocannon's answer and the server's CPU time over it. */
interface Slice {
  result: AutocannonResult;
  cpu: number;
}

async function measureSlice(url: string, headers: Record<string, string>, server: ChildProcess, connections: number, seconds: number): Promise<Slice> {
  const cpuBefore = await cpuOf(server);
  const result = await load.autocannon()({ url, headers, connections, duration: seconds });
  return { result, cpu: (await cpuOf(server)) - cpuBefore };
}

/** A server's figures over its slices: requests and CPU added up, median p50, worst p99. */
function figuresOf(slices: Slice[]): Figures {
  const total = slices.reduce((n, s) => n + s.result.requests.total, 0);
  const seconds = slices.reduce((n, s) => n + s.result.duration, 0);
  const cpu = slices.reduce((n, s) => n + s.cpu, 0);
  return {
    rps: total / seconds,
    p50: median(slices.map((s) => s.result.latency.p50)),
    p99: Math.max(...slices.map((s) => s.result.latency.p99)),
    cpuPerRequest: total > 0 ? cpu / total : NaN,
    non2xx: slices.reduce((n, s) => n + s.result.non2xx, 0),
    errors: slices.reduce((n, s) => n + s.result.errors, 0),
  };
}

/**
 * One round: a warm-up of each server (JIT, connection pools; not counted), then `o.slices`
 * passes over all of them, each pass in the opposite order of the one before, `o.duration /
 * o.slices` seconds per server and pass.
 */
async function measureRound(servers: Record<Role, Server>, order: readonly Role[], headers: Record<string, string>, o: DriveOptions): Promise<Record<Role, Figures>> {
  for (const role of order) await load.autocannon()({ url: servers[role].url, headers, connections: o.connections, duration: o.warmup });
  const slices = Object.fromEntries(order.map((role) => [role, [] as Slice[]])) as Record<Role, Slice[]>;
  const seconds = Math.max(1, Math.round(o.duration / o.slices));
  for (let pass = 0; pass < o.slices; pass++) {
    for (const role of pass % 2 === 0 ? order : [...order].reverse()) {
      slices[role].push(await measureSlice(servers[role].url, headers, servers[role].child, o.connections, seconds));
    }
  }
  return Object.fromEntries(order.map((role) => [role, figuresOf(slices[role])])) as Record<Role, Figures>;
}

function median(values: number[]): number {
  const v = [...values].sort((x, y) => x - y);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const percent = (r: number) => `${(r * 100).toFixed(1)}%`;

/** Signs a user up on a fresh Tessera and makes the classic token the bench uses. */
async function makeToken(dataDir: string): Promise<{ token: string; body: string }> {
  const setup = await startServer('tessera', { dataDir });
  try {
    const api = new URL('/api/v3', setup.url).href;
    const login = 'bench';
    const password = 'bench-password-1234';
    const user = await json(`${api}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login, email: 'bench@example.test', password }),
    });
    if (user.status !== 201) throw new Error(`sign-up failed: ${user.text}`);
    const auth = await json(`${api}/authorizations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}` },
      body: JSON.stringify({ note: 'bench', scopes: ['repo', 'user'] }),
    });
    if (auth.status !== 201) throw new Error(`token creation failed: ${auth.text}`);
    const token = auth.body.token as string;
    const sample = await fetch(`${api}/user`, { headers: { authorization: `token ${token}` } });
    const body = await sample.text();
    if (sample.status !== 200) throw new Error(`GET /user failed: ${body}`);
    return { token, body };
  } finally {
    await stopServer(setup);
  }
}

const NAMES: Record<Role, string> = {
  tessera: 'Tessera GET /api/v3/user (token)',
  floor: 'Fastify floor (see header)',
  fastify: 'Fastify alone (see header)',
  bare: 'bare node:http (same-size JSON)',
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { duration: { type: 'string' }, slices: { type: 'string' }, connections: { type: 'string' }, rounds: { type: 'string' }, warmup: { type: 'string' } },
  });
  const o: DriveOptions = {
    duration: Number(values.duration ?? 10),
    slices: Math.max(1, Number(values.slices ?? 5)),
    connections: Number(values.connections ?? 50),
    warmup: Number(values.warmup ?? 3),
  };
  const rounds = Math.max(1, Number(values.rounds ?? 3));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-bench-'));
  const running = new Set<Server>();
  const start = async (role: Role, init: { body: string; token: string }) => {
    const s = await startServer(role, { dataDir, ...init });
    running.add(s);
    return s;
  };
  const stop = async (s: Server) => {
    await stopServer(s);
    running.delete(s);
  };
  try {
    const { token, body } = await makeToken(dataDir);
    const headers = { authorization: `token ${token}` };
    console.log(
      `token-auth benchmark: autocannon, ${o.connections} connections (keep-alive), ${o.duration} s per server and round in ${o.slices} interleaved slices ` +
        `(after a ${o.warmup} s warm-up of each), ${rounds} round(s), fresh server processes every round, ${os.cpus().length} CPU(s), Node ${process.version}`,
    );
    console.log(`load average (1/5/15 min) at start: ${loadAverage()}`);
    const row = (role: Role, f: Figures) =>
      `  ${NAMES[role].padEnd(34)} ${f.rps.toFixed(0).padStart(8)} req/s   p50 ${String(f.p50).padStart(4)} ms   p99 ${String(f.p99).padStart(4)} ms   ` +
      `server CPU ${f.cpuPerRequest.toFixed(1).padStart(6)} µs/req   non-2xx ${f.non2xx}   errors ${f.errors}`;
    const ratios: Record<Exclude<Role, 'bare'>, number[]> = { tessera: [], floor: [], fastify: [] };
    const cpuRatios: number[] = [];
    let non2xx = 0;
    let health: Figures | undefined;
    for (let round = 1; round <= rounds; round++) {
      const servers = {} as Record<Role, Server>;
      for (const role of ROLES) servers[role] = await start(role, { body, token });
      // The same request bytes to all (the bare server and Fastify alone ignore the Authorization header).
      const answers = await Promise.all(
        ROLES.map(async (role) => {
          const res = await fetch(servers[role].url, { headers });
          return { role, status: res.status, size: Buffer.byteLength(await res.text()) };
        }),
      );
      for (const a of answers) if (a.status !== 200) throw new Error(`${NAMES[a.role]} answered ${a.status}`);
      if (round === 1) console.log(`response body: ${answers.map((a) => `${a.role} ${a.size} B`).join(', ')} (same request headers to all)`);
      const order = round % 2 === 1 ? ROLES : [...ROLES].reverse();
      const f = await measureRound(servers, order, headers, o);
      if (round === rounds) {
        // Context, not the target: the same framework and hooks without a token.
        const url = new URL('/-/health', servers.tessera.url).href;
        await load.autocannon()({ url, connections: o.connections, duration: o.warmup });
        health = figuresOf([await measureSlice(url, {}, servers.tessera.child, o.connections, Math.max(3, Math.round(o.duration / 2)))]);
      }
      for (const s of Object.values(servers)) await stop(s);
      for (const role of ROLES) non2xx += f[role].non2xx;
      for (const role of ['tessera', 'floor', 'fastify'] as const) ratios[role].push(f[role].rps / f.bare.rps);
      cpuRatios.push(f.bare.cpuPerRequest / f.tessera.cpuPerRequest);
      console.log(`round ${round} (order: ${order.join(', ')}), load average ${loadAverage()}:`);
      for (const role of ROLES) console.log(row(role, f[role]));
      console.log(
        `  ratio ${percent(f.tessera.rps / f.bare.rps)}   (Fastify floor ${percent(f.floor.rps / f.bare.rps)}, Fastify alone ${percent(f.fastify.rps / f.bare.rps)})`,
      );
    }
    console.log('context:');
    console.log(`  ${'Tessera GET /-/health'.padEnd(34)} ${health!.rps.toFixed(0).padStart(8)} req/s   server CPU ${health!.cpuPerRequest.toFixed(1).padStart(6)} µs/req`);
    const ratio = median(ratios.tessera);
    console.log(`load average at end: ${loadAverage()}`);
    console.log(
      `ratio: Tessera reaches ${percent(ratio)} of the bare server's throughput (median of ${ratios.tessera.map(percent).join(', ')}; ` +
        `target >= 60%) — ${ratio >= 0.6 ? 'MET' : 'NOT MET'}`,
    );
    console.log(
      `(context) by server CPU time per request, Tessera costs ${(100 / median(cpuRatios)).toFixed(0)}% of the bare server's ` +
        `(bare/Tessera ${percent(median(cpuRatios))}, median of ${cpuRatios.length})`,
    );
    const floorRatio = median(ratios.floor);
    console.log(
      `(context) Fastify alone reaches ${percent(median(ratios.fastify))} of the bare server (median of ${ratios.fastify.map(percent).join(', ')}); ` +
        `the Fastify floor ${percent(floorRatio)} (median of ${ratios.floor.map(percent).join(', ')}); Tessera reaches ${percent(ratio / floorRatio)} of the floor`,
    );
    if (non2xx > 0) console.log('WARNING: a server answered non-2xx during the run');
  } finally {
    for (const s of running) await stopServer(s);
    await rm(dataDir, { recursive: true, force: true });
  }
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) {
  serveChild(process.argv[childIndex + 1] as Role).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
