// bench/team-engines: the token-auth route mix of bench/route-mix (GET /user, a repository, the
// user's repositories, a page of tokens, an org's request queue, git info/refs — each connection
// cycling through them) against Tessera on SQLite, on PostgreSQL, and on two PostgreSQL replicas
// over one database, in the same run, each server in its own child process, plain HTTP on
// 127.0.0.1. PostgreSQL is a real server started for the run (test/harness/postgres.ts: a scratch
// cluster, fsync off, so the figures measure the provider, not the disk). Rounds interleave the
// three set-ups; the figures are the median over rounds. Printed, never asserted; the reference
// for PostgreSQL is SQLite measured the same way in the same run (target: >= 0.7x), and for two
// replicas one replica.
//   npm run bench:team-engines   [-- --duration 5 --rounds 3 --connections 20]
import { ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type * as ProviderModule from '../src/provider/index';
import { startPostgres } from '../test/harness/postgres';
import type { CannonRequest, Fixture } from './route-mix-fixture';
import type * as FixtureModule from './route-mix-fixture';

interface AutocannonResult {
  requests: { total: number };
  duration: number;
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: { url: string; requests: CannonRequest[]; connections: number; duration: number }) => Promise<AutocannonResult>;
/* eslint-disable @typescript-eslint/no-require-imports */
const load = {
  autocannon: () => require('autocannon') as Autocannon,
  provider: () => require('../src/provider/index') as typeof ProviderModule,
  fixture: () => require('./route-mix-fixture') as typeof FixtureModule,
};
/* eslint-enable @typescript-eslint/no-require-imports */

// ---- child: one provider process ----
async function child(): Promise<void> {
  const fixture = await new Promise<Fixture>((resolve) => process.once('message', (m: { fixture: Fixture }) => resolve(m.fixture)));
  const provider = await load.provider().startProvider({
    dataDir: fixture.dataDir,
    ...(fixture.databaseUrl ? { databaseUrl: fixture.databaseUrl } : {}),
    tls: 'off',
    port: 0,
    host: '127.0.0.1',
    sweepIntervalMs: 24 * 3600_000,
    rateLimit: fixture.rateLimit,
  });
  process.on('message', async (m: { stop?: boolean }) => {
    if (m.stop) {
      await provider.close();
      process.exit(0);
    }
  });
  process.send!({ url: provider.url });
}

// ---- parent ----
interface Replica {
  child: ChildProcess;
  url: string;
}

async function startReplica(fixture: Fixture): Promise<Replica> {
  const c = fork(__filename, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = new Promise<string>((resolve, reject) => {
    c.once('message', (m: { url: string }) => resolve(m.url));
    c.once('exit', (code) => reject(new Error(`provider exited (${code})`)));
  });
  c.send({ fixture });
  return { child: c, url: await url };
}

async function stopReplica(r: Replica): Promise<void> {
  if (r.child.exitCode !== null) return;
  const exited = new Promise((resolve) => r.child.once('exit', resolve));
  r.child.send({ stop: true });
  await exited;
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  bad: number;
}

/** The mix against every replica at once, the connections split between them. */
async function drive(replicas: Replica[], requests: CannonRequest[], connections: number, seconds: number): Promise<Figures> {
  const per = Math.max(1, Math.round(connections / replicas.length));
  const results = await Promise.all(replicas.map((r) => load.autocannon()({ url: r.url, requests, connections: per, duration: seconds })));
  return {
    rps: results.reduce((n, r) => n + r.requests.total / r.duration, 0), // autocannon's duration is in seconds
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    bad: results.reduce((n, r) => n + r.non2xx + r.errors, 0),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { duration: { type: 'string' }, rounds: { type: 'string' }, connections: { type: 'string' } } });
  const seconds = Number(values.duration ?? 5);
  const rounds = Number(values.rounds ?? 3);
  const connections = Number(values.connections ?? 20);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'tessera-bench-engines-'));
  const pg = await startPostgres({ database: 'bench' });
  try {
    console.log('team-engines benchmark: setting up the same data on SQLite and on PostgreSQL …');
    const sqlite = await load.fixture().setUp(path.join(tmp, 'sqlite'));
    const postgres = await load.fixture().setUp(path.join(tmp, 'postgres'), pg.url);
    const setups: { name: string; fixture: Fixture; replicas: number }[] = [
      { name: 'SQLite, one process', fixture: sqlite, replicas: 1 },
      { name: 'PostgreSQL, one replica', fixture: postgres, replicas: 1 },
      { name: 'PostgreSQL, two replicas', fixture: postgres, replicas: 2 },
    ];
    const runs: Record<string, Figures[]> = Object.fromEntries(setups.map((s) => [s.name, []]));
    console.log(`the token-auth mix (${sqlite.routes.length} requests in turn), autocannon, ${connections} connections (keep-alive), ${seconds} s each, ${rounds} rounds`);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [...setups].reverse() : setups;
      for (const s of order) {
        const replicas = await Promise.all(Array.from({ length: s.replicas }, () => startReplica(s.fixture)));
        try {
          await drive(replicas, s.fixture.routes.map((r) => r.request), connections, 1); // warm-up
          runs[s.name].push(await drive(replicas, s.fixture.routes.map((r) => r.request), connections, seconds));
        } finally {
          await Promise.all(replicas.map(stopReplica));
        }
      }
    }
    const fig = (name: string) => ({
      rps: median(runs[name].map((f) => f.rps)),
      p50: median(runs[name].map((f) => f.p50)),
      p99: median(runs[name].map((f) => f.p99)),
      bad: runs[name].reduce((n, f) => n + f.bad, 0),
    });
    const ref = fig('SQLite, one process');
    const one = fig('PostgreSQL, one replica');
    console.log(`\n${'set-up'.padEnd(28)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'non-2xx'.padStart(8)}  relative`);
    for (const s of setups) {
      const f = fig(s.name);
      const rel = s.replicas === 2 ? `${(f.rps / one.rps).toFixed(2)}x one replica` : s.name.startsWith('PostgreSQL') ? `${(f.rps / ref.rps).toFixed(2)}x SQLite (target >= 0.7x)` : 'reference';
      console.log(`${s.name.padEnd(28)} ${f.rps.toFixed(0).padStart(8)} ${String(f.p50).padStart(7)} ${String(f.p99).padStart(7)} ${String(f.bad).padStart(8)}  ${rel}`);
    }
    console.log(`\n(${os.cpus().length} CPU(s); two replicas share them with autocannon and PostgreSQL.)`);
  } finally {
    await pg.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

if (process.argv.includes('--child')) {
  child().catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
