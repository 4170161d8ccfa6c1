// bench/token-auth: GET /api/v3/user with a valid classic token on Tessera, against a bare
// node:http server answering a JSON body of the same size, both driven by autocannon in one run
// on this machine. Each server runs in its own child process (autocannon in this one), plain
// HTTP on 127.0.0.1 for both, keep-alive connections for both. The pair is measured several
// times, interleaved (T,B then B,T, ...), each measurement after its own 2 s warm-up, because a
// shared machine's load moves between runs; the verdict uses the median of the per-round ratios.
// Prints req/s, p50/p99 latency, each server's own CPU time per request (less sensitive to other
// load than req/s), the machine's load average, and the ratio (target >= 60%).
//
// A third server in every round, the "Fastify floor", shows what the framework itself allows on
// this machine: Fastify 5 (the provider's framework) with one synchronous hook that does the least
// a token check can do — the same checksum test, SHA-256 and constant-time comparison, one Map
// look-up, the same four response headers — and a handler sending the same body. No database, no
// guards, no expiry or last-used bookkeeping. Tessera cannot be faster than that.
//   npm run bench:token-auth   [-- --duration 10 --connections 50 --rounds 3]
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

type Role = 'tessera' | 'bare' | 'floor';

// ---- child side ----

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function serveChild(role: Role): Promise<void> {
  if (role === 'tessera') {
    const dataDir = process.env.TESSERA_BENCH_DATA!;
    const provider = await load.provider().startProvider({ dataDir, tls: 'off', port: 0, host: '127.0.0.1', sweepIntervalMs: 24 * 3600_000 });
    process.send!({ url: provider.url });
    process.on('message', async (m: { stop?: boolean; cpu?: boolean }) => {
      if (m.cpu) process.send!({ cpu: cpuMicros() });
      if (m.stop) {
        await provider.close();
        process.exit(0);
      }
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
        server.listen(0, '127.0.0.1', () => process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
      }
      if (m.stop) process.exit(0);
    });
  }
}

// ---- parent side ----

function startChild(role: Role, env: Record<string, string> = {}): { child: ChildProcess; ready: Promise<string> } {
  const child = fork(__filename, ['--child', role], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`${role} server exited (${code})`)));
  });
  return { child, ready };
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

async function drive(url: string, headers: Record<string, string>, connections: number, duration: number, server: ChildProcess): Promise<Figures> {
  const autocannon = load.autocannon();
  // Warm-up (JIT, connection pools), not counted.
  await autocannon({ url, headers, connections, duration: 2 });
  const cpuBefore = await cpuOf(server);
  const r = await autocannon({ url, headers, connections, duration });
  const cpu = (await cpuOf(server)) - cpuBefore;
  return {
    rps: r.requests.average,
    p99: r.latency.p99,
    p50: r.latency.p50,
    cpuPerRequest: r.requests.total > 0 ? cpu / r.requests.total : NaN,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

function median(values: number[]): number {
  const v = [...values].sort((x, y) => x - y);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { duration: { type: 'string' }, connections: { type: 'string' }, rounds: { type: 'string' } } });
  const duration = Number(values.duration ?? 10);
  const connections = Number(values.connections ?? 50);
  const rounds = Math.max(1, Number(values.rounds ?? 3));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-bench-'));
  const tessera = startChild('tessera', { TESSERA_BENCH_DATA: dataDir });
  const bare = startChild('bare');
  const floor = startChild('floor');
  try {
    const origin = await tessera.ready;
    const api = `${origin}/api/v3`;
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
    const headers = { authorization: `token ${auth.body.token}` };
    const sample = await fetch(`${api}/user`, { headers });
    const sampleBody = await sample.text();
    if (sample.status !== 200) throw new Error(`GET /user failed: ${sampleBody}`);

    bare.child.send({ body: sampleBody });
    const bareUrl = await bare.ready;
    const bareSample = await (await fetch(bareUrl)).text();
    floor.child.send({ body: sampleBody, token: auth.body.token });
    const floorUrl = await floor.ready;
    const floorSample = await fetch(floorUrl, { headers });
    const floorBody = await floorSample.text();
    if (floorSample.status !== 200 || floorBody !== sampleBody) throw new Error(`the Fastify floor answered ${floorSample.status}`);

    console.log(
      `token-auth benchmark: autocannon, ${connections} connections (keep-alive), ${duration} s per measurement (each after a 2 s warm-up), ` +
        `${rounds} interleaved round(s), ${os.cpus().length} CPU(s), Node ${process.version}`,
    );
    console.log(
      `response body: Tessera ${Buffer.byteLength(sampleBody)} B, bare ${Buffer.byteLength(bareSample)} B, Fastify floor ${Buffer.byteLength(floorBody)} B ` +
        '(same request headers to all three)',
    );
    console.log(`load average (1/5/15 min) at start: ${loadAverage()}`);
    const row = (name: string, f: Figures) =>
      `  ${name.padEnd(34)} ${f.rps.toFixed(0).padStart(8)} req/s   p50 ${String(f.p50).padStart(4)} ms   p99 ${String(f.p99).padStart(4)} ms   ` +
      `server CPU ${f.cpuPerRequest.toFixed(1).padStart(6)} µs/req   non-2xx ${f.non2xx}   errors ${f.errors}`;
    const ratios: number[] = [];
    const floorRatios: number[] = [];
    const cpuRatios: number[] = [];
    let tesseraNon2xx = 0;
    for (let round = 1; round <= rounds; round++) {
      const measureTessera = () => drive(`${api}/user`, headers, connections, duration, tessera.child);
      // The same request bytes to both (the bare server parses, and ignores, the Authorization header).
      const measureBare = () => drive(bareUrl, headers, connections, duration, bare.child);
      const measureFloor = () => drive(floorUrl, headers, connections, duration, floor.child);
      let t: Figures;
      let b: Figures;
      let f: Figures;
      if (round % 2 === 1) {
        t = await measureTessera();
        f = await measureFloor();
        b = await measureBare();
      } else {
        b = await measureBare();
        f = await measureFloor();
        t = await measureTessera();
      }
      tesseraNon2xx += t.non2xx + f.non2xx;
      const ratio = t.rps / b.rps;
      ratios.push(ratio);
      floorRatios.push(f.rps / b.rps);
      cpuRatios.push(b.cpuPerRequest / t.cpuPerRequest);
      console.log(`round ${round} (${round % 2 === 1 ? 'Tessera first' : 'bare first'}), load average ${loadAverage()}:`);
      console.log(row('Tessera GET /api/v3/user (token)', t));
      console.log(row('Fastify floor (see header)', f));
      console.log(row('bare node:http (same-size JSON)', b));
      console.log(`  ratio ${(ratio * 100).toFixed(1)}%   (Fastify floor ${((f.rps / b.rps) * 100).toFixed(1)}%)`);
    }
    // Context, not the target: the same framework and hooks without a token (where the gap comes from).
    const h = await drive(`${origin}/-/health`, {}, connections, Math.max(3, Math.round(duration / 2)), tessera.child);
    console.log('context:');
    console.log(row('Tessera GET /-/health', h));
    const ratio = median(ratios);
    console.log(`load average at end: ${loadAverage()}`);
    console.log(
      `ratio: Tessera reaches ${(ratio * 100).toFixed(1)}% of the bare server's throughput (median of ${ratios.map((r) => `${(r * 100).toFixed(1)}%`).join(', ')}; ` +
        `target >= 60%) — ${ratio >= 0.6 ? 'MET' : 'NOT MET'}`,
    );
    console.log(
      `(context) by server CPU time per request, Tessera costs ${(100 / median(cpuRatios)).toFixed(0)}% of the bare server's ` +
        `(bare/Tessera ${(median(cpuRatios) * 100).toFixed(1)}%, median of ${cpuRatios.length})`,
    );
    const floorRatio = median(floorRatios);
    console.log(
      `(context) the Fastify floor reaches ${(floorRatio * 100).toFixed(1)}% of the bare server (median of ` +
        `${floorRatios.map((r) => `${(r * 100).toFixed(1)}%`).join(', ')}); Tessera reaches ${((ratio / floorRatio) * 100).toFixed(1)}% of the floor`,
    );
    if (tesseraNon2xx > 0) console.log('WARNING: Tessera or the floor answered non-2xx during the run');
  } finally {
    for (const c of [tessera.child, bare.child, floor.child]) c.send({ stop: true });
    await Promise.all([tessera.child, bare.child, floor.child].map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
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
