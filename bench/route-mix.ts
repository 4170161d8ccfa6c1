// bench/route-mix: what clients feel on the general path. Six routes — GET /user, a repository,
// the user's repositories (five), a page of the user's tokens, an org's token-request queue, and
// git info/refs (upload-pack) — each driven by autocannon against three servers, each in its own
// child process (autocannon in this one), plain HTTP on 127.0.0.1, keep-alive:
//  - "bare": node:http sending, for each path, the exact answer Tessera gave (status, content
//    type, body): the reference;
//  - "floor": Fastify 5 over the same SQLite data doing the same store reads and serialization as
//    the route (through the provider's own store and JSON helpers), behind the least token check
//    (checksum, SHA-256, a Map look-up made at start, a constant-time comparison, the token
//    headers): no guards, no policy, no bookkeeping, no audit;
//  - Tessera itself (startProvider): the same code every request takes.
// Then the whole mix (each connection cycling through the six requests) on all three.
// The machine is a shared VM whose speed drifts, so every round starts fresh server processes and
// measures each server in short slices, interleaved (T,F,B then B,F,T, ...); a server's figures
// add up its slices; the verdict uses the median over rounds. Targets (printed, never asserted):
// single-object GETs >= 0.4x bare, lists of a page >= 0.25x bare, the mix >= 0.85x the floor,
// p99 < 5 ms (the p99 of the floor and the bare server printed beside it, as the reference).
//   npm run bench:route-mix   [-- --duration 4 --slices 2 --connections 20 --rounds 2 --warmup 1 --only user,repo --cpu-prof DIR]
import { ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type * as FastifyModule from 'fastify';
import type * as ProviderModule from '../src/provider/index';
import type * as FloorReads from './route-mix-floor';
import type { CannonRequest, Fixture, Kind } from './route-mix-fixture';
import type * as FixtureModule from './route-mix-fixture';

interface AutocannonResult {
  requests: { total: number };
  duration: number;
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: { url: string; requests: CannonRequest[]; connections: number; duration: number }) => Promise<AutocannonResult>;

// Each process loads only what it runs (a process that has loaded more code answers measurably
// more slowly, which would otherwise be charged to the wrong server).
/* eslint-disable @typescript-eslint/no-require-imports */
const load = {
  autocannon: () => require('autocannon') as Autocannon, // ships no type declarations
  fastify: () => require('fastify') as typeof FastifyModule,
  provider: () => require('../src/provider/index') as typeof ProviderModule,
  floor: () => require('./route-mix-floor') as typeof FloorReads,
  fixture: () => require('./route-mix-fixture') as typeof FixtureModule,
};
/* eslint-enable @typescript-eslint/no-require-imports */

type Role = 'tessera' | 'floor' | 'bare';
const ROLES: readonly Role[] = ['tessera', 'floor', 'bare'];

// ---- child side ----

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function answerCpuAndStop(stop: () => Promise<void>): void {
  process.on('message', async (m: { stop?: boolean; cpu?: boolean }) => {
    if (m.cpu) process.send!({ cpu: cpuMicros() });
    if (m.stop) {
      await stop();
      process.exit(0);
    }
  });
}

async function serveChild(role: Role, fixture: Fixture): Promise<void> {
  if (role === 'tessera') {
    const provider = await load.provider().startProvider({
      dataDir: fixture.dataDir,
      tls: 'off',
      port: 0,
      host: '127.0.0.1',
      sweepIntervalMs: 24 * 3600_000,
      rateLimit: fixture.rateLimit,
    });
    answerCpuAndStop(() => provider.close());
    process.send!({ url: provider.url });
  } else if (role === 'floor') {
    const { default: Fastify } = load.fastify();
    const floor = load.floor();
    const app = Fastify({ logger: false });
    const reads = await floor.floorReads(fixture.dataDir, fixture.token);
    floor.registerFloorRoutes(app, reads);
    await app.listen({ port: 0, host: '127.0.0.1' });
    reads.setOrigin(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
    answerCpuAndStop(async () => {
      await app.close();
      await reads.close();
    });
    process.send!({ url: reads.origin() });
  } else {
    const answers = new Map(Object.entries(fixture.answers).map(([p, a]) => [p, { ...a, payload: Buffer.from(a.body) }]));
    const server = http.createServer((req, res) => {
      const a = answers.get(req.url ?? '');
      if (!a) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(a.status, { 'content-type': a.contentType, 'content-length': a.payload.length, 'cache-control': 'no-store' });
      res.end(a.payload);
    });
    server.keepAliveTimeout = 72_000;
    answerCpuAndStop(async () => undefined);
    server.listen(0, '127.0.0.1', () => process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  }
}

// ---- parent side ----

interface Server {
  role: Role;
  child: ChildProcess;
  url: string;
}

/** `--cpu-prof DIR`: Tessera's processes write V8 CPU profiles there (open them in Chrome DevTools). */
let cpuProfileDir: string | undefined;

async function startServer(role: Role, fixture: Fixture): Promise<Server> {
  const execArgv = role === 'tessera' && cpuProfileDir ? [...process.execArgv, '--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : process.execArgv;
  const child = fork(__filename, ['--child', role], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`${role} server exited (${code})`)));
  });
  child.send({ fixture });
  return { role, child, url: await url };
}

async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((resolve) => s.child.once('exit', resolve));
  s.child.send({ stop: true });
  await exited;
}

function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m: { cpu: number }) => resolve(m.cpu));
    child.send({ cpu: true });
  });
}

interface Slice {
  result: AutocannonResult;
  cpu: number;
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  cpuPerRequest: number;
  non2xx: number;
  errors: number;
}

async function measureSlice(s: Server, requests: CannonRequest[], connections: number, seconds: number): Promise<Slice> {
  const before = await cpuOf(s.child);
  const result = await load.autocannon()({ url: s.url, requests, connections, duration: seconds });
  return { result, cpu: (await cpuOf(s.child)) - before };
}

function median(values: number[]): number {
  const v = [...values].sort((x, y) => x - y);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function figuresOf(slices: Slice[]): Figures {
  const total = slices.reduce((n, s) => n + s.result.requests.total, 0);
  const seconds = slices.reduce((n, s) => n + s.result.duration, 0);
  return {
    rps: total / seconds,
    p50: median(slices.map((s) => s.result.latency.p50)),
    p99: Math.max(...slices.map((s) => s.result.latency.p99)),
    cpuPerRequest: total ? slices.reduce((n, s) => n + s.cpu, 0) / total : NaN,
    non2xx: slices.reduce((n, s) => n + s.result.non2xx, 0),
    errors: slices.reduce((n, s) => n + s.result.errors, 0),
  };
}

interface DriveOptions {
  connections: number;
  duration: number;
  slices: number;
  warmup: number;
}

/** One workload on every server: a warm-up each, then interleaved slices (alternating order). */
async function measure(servers: Record<Role, Server>, order: readonly Role[], requests: CannonRequest[], o: DriveOptions): Promise<Record<Role, Figures>> {
  for (const role of order) await load.autocannon()({ url: servers[role].url, requests, connections: o.connections, duration: o.warmup });
  const slices = { tessera: [], floor: [], bare: [] } as Record<Role, Slice[]>;
  const seconds = Math.max(1, Math.round(o.duration / o.slices));
  for (let pass = 0; pass < o.slices; pass++) {
    for (const role of pass % 2 === 0 ? order : [...order].reverse()) slices[role].push(await measureSlice(servers[role], requests, o.connections, seconds));
  }
  return { tessera: figuresOf(slices.tessera), floor: figuresOf(slices.floor), bare: figuresOf(slices.bare) };
}


const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const times = (r: number) => `${r.toFixed(2)}x`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' }, slices: { type: 'string' }, connections: { type: 'string' }, rounds: { type: 'string' }, warmup: { type: 'string' },
      only: { type: 'string' }, 'cpu-prof': { type: 'string' },
    },
  });
  cpuProfileDir = values['cpu-prof'] ? path.resolve(values['cpu-prof']) : undefined;
  const o: DriveOptions = {
    duration: Number(values.duration ?? 4),
    slices: Math.max(1, Number(values.slices ?? 2)),
    connections: Number(values.connections ?? 20),
    warmup: Number(values.warmup ?? 1),
  };
  const rounds = Math.max(1, Number(values.rounds ?? 2));
  const only = values.only ? new Set(values.only.split(',')) : undefined;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-bench-'));
  const running = new Set<Server>();
  try {
    const fixture = await load.fixture().setUp(dataDir);
    const routes = fixture.routes.filter((r) => !only || only.has(r.id));
    const workloads = [...routes.map((r) => ({ id: r.id, kind: r.kind as Kind | 'mix', label: r.label, requests: [r.request] })),
      ...(only ? [] : [{ id: 'mix', kind: 'mix' as const, label: 'the mix (all six, in turn)', requests: fixture.routes.map((r) => r.request) }])];
    console.log(
      `route-mix benchmark: autocannon, ${o.connections} connections (keep-alive), ${o.duration} s per server and workload in ${o.slices} interleaved slices ` +
        `(after ${o.warmup} s warm-up each), ${rounds} round(s) of fresh server processes, ${os.cpus().length} CPU(s), Node ${process.version}`,
    );
    console.log(`load average at start: ${loadAverage()}`);
    const perRound: Record<string, Record<Role, Figures>[]> = Object.fromEntries(workloads.map((w) => [w.id, []]));
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? ROLES : [...ROLES].reverse();
      const servers = {} as Record<Role, Server>;
      for (const role of ROLES) {
        servers[role] = await startServer(role, fixture);
        running.add(servers[role]);
      }
      for (const w of workloads) {
        for (const role of ROLES) {
          for (const r of w.requests) {
            const res = await fetch(servers[role].url + r.path, { headers: r.headers });
            const body = await res.text();
            if (res.status !== 200) throw new Error(`${role} ${r.path}: ${res.status} ${body.slice(0, 200)}`);
          }
        }
        perRound[w.id].push(await measure(servers, order, w.requests, o));
      }
      for (const s of Object.values(servers)) {
        await stopServer(s);
        running.delete(s);
      }
      console.log(`round ${round} done (order ${order.join(', ')}), load average ${loadAverage()}`);
    }
    console.log('');
    console.log(`${'workload'.padEnd(52)} ${'Tessera'.padStart(8)} ${'floor'.padStart(8)} ${'bare'.padStart(8)}  req/s   T p50 ms  p99 ms (T/F/B)  µs CPU/req (T/F/B)  T/bare  T/floor  target`);
    const verdicts: string[] = [];
    for (const w of workloads) {
      const rows = perRound[w.id];
      const rps = (role: Role) => median(rows.map((r) => r[role].rps));
      const cpu = (role: Role) => median(rows.map((r) => r[role].cpuPerRequest));
      const toBare = median(rows.map((r) => r.tessera.rps / r.bare.rps));
      const toFloor = median(rows.map((r) => r.tessera.rps / r.floor.rps));
      const p50 = median(rows.map((r) => r.tessera.p50));
      const worstP99 = (role: Role) => Math.max(...rows.map((r) => r[role].p99));
      const p99 = worstP99('tessera');
      const bad = rows.reduce((n, r) => n + r.tessera.non2xx + r.tessera.errors + r.floor.non2xx + r.floor.errors + r.bare.non2xx + r.bare.errors, 0);
      const [target, met] =
        w.kind === 'single' ? ['>= 0.40x bare', toBare >= 0.4] : w.kind === 'list' ? ['>= 0.25x bare', toBare >= 0.25] : w.kind === 'mix' ? ['>= 0.85x floor', toFloor >= 0.85] : ['(context)', true];
      const p99Met = p99 < 5;
      console.log(
        `${w.label.padEnd(52)} ${rps('tessera').toFixed(0).padStart(8)} ${rps('floor').toFixed(0).padStart(8)} ${rps('bare').toFixed(0).padStart(8)}        ` +
          `${String(p50).padStart(5)}   ${`${p99}/${worstP99('floor')}/${worstP99('bare')}`.padStart(14)}  ${cpu('tessera').toFixed(0).padStart(4)}/${cpu('floor').toFixed(0).padStart(4)}/${cpu('bare').toFixed(0).padStart(3)}     ` +
          `${times(toBare).padStart(6)}  ${times(toFloor).padStart(6)}  ${target} ${w.kind === 'git' ? '' : met ? 'MET' : 'NOT MET'}${bad ? `  (WARNING: ${bad} non-2xx/errors)` : ''}`,
      );
      verdicts.push(`${w.id}: ${w.kind === 'git' ? 'context' : met ? 'met' : 'NOT met'}, p99 ${p99} ms ${p99Met ? '< 5 ms' : '>= 5 ms (NOT met)'}`);
    }
    console.log('');
    console.log(`verdicts (medians over ${rounds} round(s)): ${verdicts.join('; ')}`);
    console.log(`load average at end: ${loadAverage()}`);
  } finally {
    for (const s of running) await stopServer(s);
    await rm(dataDir, { recursive: true, force: true });
  }
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) {
  process.once('message', (m: { fixture: Fixture }) => {
    serveChild(process.argv[childIndex + 1] as Role, m.fixture).catch((err) => {
      console.error(err);
      process.exit(1);
    });
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
