// The provider on PostgreSQL (team mode): `startProvider({ databaseUrl })` and `tessera serve
// --db` / TESSERA_DATABASE_URL on a real PostgreSQL, and two replicas over one database — what
// one does, the other sees; a token deleted at one is refused at the other within a second even
// though the other had it cached, and within a few check intervals when the other's listening
// connection went silent (a TCP proxy in the test drops it without FIN or RST).
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { main, parseServeArgs } from '../../src/provider/cli';
import { DATABASE_BUSY_MESSAGE } from '../../src/provider/http/error-handler';
import { openDatabase } from '../../src/provider/store/sqlite/database';
import type { RateLimitOverviewJson } from '../../src/shared/api-types';
import { ApiClient } from '../builders/api-client';
import { ManualClock } from '../../src/provider/clock';
import { createUser } from '../builders/users';
import { freshOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { newSession } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { startPostgresProxy } from './helpers/postgres-proxy';
import { guardProcessGroup } from './helpers/provider-process';
import { memoryKeySource, usePostgres } from './helpers/postgres-stores';
import { useReplicas } from './helpers/replicas';
import { startTestProvider, TestProvider } from './helpers/provider';

const CLI = path.resolve(__dirname, '../../src/provider/cli.js');
const DAY = 24 * 60 * 60_000;

describe('provider on PostgreSQL', function () {
  this.timeout(60_000);
  const pg = usePostgres();
  const { replica, dataKey, keep } = useReplicas();

  it('signs up, makes a token and uses it; the data is in PostgreSQL, not in the data folder', async () => {
    const url = await pg.newDatabase();
    const t = await replica(url);
    const user = await createUser(t);
    assert.equal(user.siteAdmin, true, 'the first user is site admin');
    const s = await newSession(t);
    const tok = await createClassicToken(t, s, { scopes: ['user'] });
    const me = await t.api.get('/user', { token: tok.token });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.login, s.user.login);
    assert.equal(me.headers.get('x-oauth-scopes'), 'user');
    const again = await t.api.get('/user', { token: tok.token });
    assert.equal(again.status, 200, 'a cached look-up answers the same');
    assert.ok(t.logs.some((l) => /database: PostgreSQL at 127\.0\.0\.1:\d+\/t\d+_\d+/.test(l.message)), 'the start line names the database');
    const { readdir } = await import('node:fs/promises');
    assert.ok(!(await readdir(t.dataDir)).includes('tessera.db'), 'no SQLite database was made');
  });

  it('two replicas on one database: a token made at B works at A; deleted at B, refused at A within a second despite its cache', async () => {
    const url = await pg.newDatabase();
    const [a, b] = await Promise.all([replica(url), replica(url)]);
    await createUser(a);
    const s = await newSession(a);
    const tok = await createClassicToken(b, s, { scopes: ['user'] });
    for (let i = 0; i < 3; i++) {
      // Warm: A has the token in its principal cache.
      assert.equal((await a.api.get('/user', { token: tok.token })).status, 200);
    }
    const del = await b.api.delete(`/user/personal-access-tokens/${tok.id}`, { token: s.token });
    assert.equal(del.status, 204, del.text);
    const deadline = Date.now() + 1000;
    let status = 0;
    do {
      status = (await a.api.get('/user', { token: tok.token })).status;
    } while (status === 200 && Date.now() < deadline);
    assert.equal(status, 401, 'refused at A within a second');
    assert.equal((await b.api.get('/user', { token: tok.token })).status, 401);
  });

  it("a replica whose listening connection goes silent (no FIN, no RST) stops trusting its cache: a token deleted at B is refused at A, and A listens again", async () => {
    const url = await pg.newDatabase();
    const proxy = await startPostgresProxy(Number(new URL(url).port));
    let a: TestProvider | undefined;
    try {
      // A reaches the database through the proxy only; B directly.
      a = await startTestProvider({ databaseUrl: proxy.via(url), dataKey, listenCheckIntervalMs: 250 });
      const b = await replica(url);
      await createUser(a);
      const s = await newSession(a);
      const tok = await createClassicToken(b, s, { scopes: ['user'] });
      for (let i = 0; i < 3; i++) assert.equal((await a.api.get('/user', { token: tok.token })).status, 200); // cached at A
      const deadline = Date.now() + 15_000;
      while (!proxy.listening() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(proxy.silenceListening(), 1, "A's listening connection goes silent");
      const del = await b.api.delete(`/user/personal-access-tokens/${tok.id}`, { token: s.token });
      assert.equal(del.status, 204, del.text);
      let status = 0;
      do {
        status = (await a.api.get('/user', { token: tok.token })).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 20));
      } while (status === 200 && Date.now() < deadline);
      assert.equal(status, 401, 'refused at A once its listening connection failed a check');
      while (!proxy.listening() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(proxy.listening(), 'A listens again on a new connection');
      assert.ok(a.logs.some((l) => /the listening connection did not answer a check/.test(l.message)), 'A says why it reconnected');
    } finally {
      await a?.close();
      await proxy.close();
    }
  });

  it('two replicas share sign-in state: a TOTP code used at A is refused at B; 10 failures at A lock the account at B', async () => {
    const url = await pg.newDatabase();
    const clock = new ManualClock(Date.now());
    const [a, b] = await Promise.all([replica(url, { clock }), replica(url, { clock })]);
    await createUser(a);
    const user = await createUser(b);
    await enableTwoFactor(a, user);
    const code = await freshOtp(a, user);
    assert.equal((await a.api.get('/user', { basic: user, otp: code })).status, 200);
    const replay = await b.api.get('/user', { basic: user, otp: code });
    assert.equal(replay.status, 401, 'the code was used at A');
    assert.equal((await b.api.get('/user', { basic: user, otp: await freshOtp(b, user) })).status, 200, 'a fresh code works at B');
    for (let i = 0; i < 10; i++) {
      assert.equal((await a.api.get('/user', { basic: { login: user.login, password: 'wrong-password' } })).status, 401);
    }
    const locked = await b.api.get('/user', { basic: user, otp: await freshOtp(b, user) });
    assert.equal(locked.status, 401, 'locked at B by the failures at A');
    assert.deepEqual(locked.json, { message: 'Bad credentials', documentation_url: `${b.provider.url}/-/docs/errors#401` });
  });

  it('two replicas share one API rate-limit count: of 40 parallel requests spread over both, exactly the limit pass', async () => {
    const url = await pg.newDatabase();
    const clock = new ManualClock(Date.now());
    const limit = 15;
    const [a, b] = await Promise.all([
      startTestProvider({ databaseUrl: url, clock, dataKey, rateLimit: { authenticated: limit } }),
      startTestProvider({ databaseUrl: url, clock, dataKey, rateLimit: { authenticated: limit } }),
    ]);
    keep(a, b);
    await createUser(a);
    const s = await newSession(a); // its sign-in counts one for the user
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? b : a).api.get('/user', { token: s.token })));
    const passed = answers.filter((r) => r.status === 200);
    assert.equal(passed.length, limit - 1);
    assert.equal(answers.filter((r) => r.status === 403).length, 40 - (limit - 1));
    assert.deepEqual(passed.map((r) => Number(r.headers.get('x-ratelimit-used'))).sort((x, y) => x - y), Array.from({ length: limit - 1 }, (_, i) => i + 2));
    const atB = await b.api.get<RateLimitOverviewJson>('/rate_limit', { token: s.token });
    assert.deepEqual([atB.json.rate.used, atB.json.rate.remaining], [limit, 0], 'B reports the count A added to');
    assert.equal((await a.api.get('/user', { token: s.token })).status, 403);
    // GraphQL's bucket is apart from REST's, and shared the same way.
    const query = (p: typeof a) => p.api.call('POST', `${p.provider.url}/api/graphql`, { token: s.token, body: { query: '{ viewer { login } }' } });
    const queries = await Promise.all(Array.from({ length: 40 }, (_, i) => query(i % 2 ? b : a)));
    assert.equal(queries.filter((r) => r.json.data).length, limit);
    assert.equal(queries.filter((r) => r.json.errors?.[0]?.type === 'RATE_LIMITED').length, 40 - limit);
    const graphqlAtA = await a.api.get<RateLimitOverviewJson>('/rate_limit', { token: s.token });
    assert.deepEqual([graphqlAtA.json.resources.graphql.used, graphqlAtA.json.resources.graphql.remaining], [limit, 0], 'A reports the count B added to');
  });

  it('API rate-limit counters raise no change notification (each request would empty every replica\'s token cache)', async () => {
    const store = await pg.newStore();
    const triggers = await store.pool.query(
      `SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relname = 'rate_limits' AND NOT t.tgisinternal`,
    );
    assert.deepEqual(triggers.rows, []);
    const watched = await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_trigger WHERE tgname = 'tessera_changed_rows'`);
    assert.ok(watched.rows[0].n > 5, 'other tables do have the change trigger');
  });

  /** A replica over a new database with a user's session and token, and an administrator's connection to end its connections. */
  async function replicaAndAdmin() {
    const url = await pg.newDatabase();
    const t = await replica(url);
    await createUser(t);
    const s = await newSession(t);
    const tok = await createClassicToken(t, s, { scopes: ['user'] });
    const db = new URL(url).pathname.slice(1);
    const killer = new Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
    await killer.connect();
    return { t, s, tok, db, killer };
  }

  it('answers 503 with Retry-After while the database is unreachable, and recovers', async function () {
    const { t, tok, db, killer } = await replicaAndAdmin();
    try {
      // Refuse new connections to the database and end the ones the replica holds.
      await killer.query(`ALTER DATABASE ${db} ALLOW_CONNECTIONS false`);
      await killer.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [db]);
      const res = await t.api.get('/user', { token: tok.token });
      assert.equal(res.status, 503, res.text);
      assert.equal(res.headers.get('retry-after'), '1');
      const docs = `${t.provider.url}/-/docs/errors#503`;
      assert.deepEqual(res.json, { message: DATABASE_BUSY_MESSAGE, documentation_url: docs });
      assert.doesNotMatch(res.text.replace(docs, ''), /postgres:|127\.0\.0\.1/, 'no connection details in the answer');
    } finally {
      await killer.query(`ALTER DATABASE ${db} ALLOW_CONNECTIONS true`);
      await killer.end();
    }
    assert.equal((await t.api.get('/user', { token: tok.token })).status, 200, 'back once the database is');
  });

  it('answers at once after the server ended every pooled connection (a read or BEGIN on a lost connection is sent again)', async function () {
    const { t, s, tok, db, killer } = await replicaAndAdmin();
    try {
      for (let round = 0; round < 5; round++) {
        // fill the pool with idle connections, then end them all on the server's side
        const warm = await Promise.all(Array.from({ length: 10 }, () => t.api.get('/user/personal-access-tokens', { token: s.token })));
        assert.deepEqual(warm.map((r) => r.status), warm.map(() => 200));
        await killer.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [db]);
        const after = await Promise.all([
          ...Array.from({ length: 10 }, () => t.api.get('/user/personal-access-tokens', { token: s.token })),
          t.api.get('/user', { token: tok.token }),
          t.api.post('/user/personal-access-tokens', { token: s.token, body: { name: `after ${round}`, scopes: ['user'] } }),
        ]);
        // (the message names failed answers only: a successful creation carries the token)
        assert.deepEqual(after.map((r) => r.status), [...Array.from({ length: 11 }, () => 200), 201], after.filter((r) => r.status >= 300).map((r) => r.text).join('\n'));
      }
    } finally {
      await killer.end();
    }
  });

  it('two replicas sweeping together revoke each unused token once, with one audit event each', async () => {
    const url = await pg.newDatabase();
    const clock = new ManualClock(Date.now());
    const replicas = await Promise.all([replica(url, { clock, sweepIntervalMs: 5 }), replica(url, { clock, sweepIntervalMs: 5 })]);
    const [a, b] = replicas;
    const user = await createUser(a);
    const made = [];
    for (let i = 0; i < 12; i++) made.push(await createClassicToken(i % 2 ? a : b, user, { name: `old ${i}`, scopes: ['repo'] }));
    clock.advance(366 * DAY);
    const events = async () => {
      const res = await b.api.get('/user/audit-log?phrase=action:personal_access_token.auto_revoked&per_page=100', { basic: user });
      assert.equal(res.status, 200, res.text);
      return res.json as { token_id: number }[];
    };
    const end = Date.now() + 20_000;
    while ((await events()).length < made.length && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200)); // more sweeps at both replicas: none may revoke again
    const ids = (await events()).map((e) => e.token_id).sort((x, y) => x - y);
    assert.deepEqual(ids, made.map((t) => t.id).sort((x, y) => x - y), 'one event per token');
    for (const t of made) assert.equal((await a.api.get('/user', { token: t.token })).status, 401);
  });

  it('a lost team key: the refusal names reset-two-factor --db, which removes 2FA from the shared database; the next replica makes a new key', async () => {
    const url = await pg.newDatabase();
    const clock = new ManualClock(Date.now());
    const lost = memoryKeySource();
    const first = await startTestProvider({ databaseUrl: url, clock, dataKey: lost });
    let s: Awaited<ReturnType<typeof newSession>>;
    try {
      await createUser(first);
      s = await newSession(first);
      await enableTwoFactor(first, s.user);
      assert.equal((await first.api.get('/user', { basic: s.user })).status, 401, 'needs its second factor');
    } finally {
      await first.close();
    }
    const refusedDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-lost-key-'));
    try {
      await assert.rejects(startTestProvider({ databaseUrl: url, dataDir: refusedDir, clock, dataKey: memoryKeySource() }), (err: Error) => {
        assert.match(err.message, /belongs to a data key that is not in the test key/);
        assert.match(err.message, /stop every replica and run `tessera reset-two-factor --db postgres:\/\/…` \(or with TESSERA_DATABASE_URL set/);
        assert.doesNotMatch(err.message, /--data/, 'the SQLite way out does not help a team database');
        return true;
      });
    } finally {
      await rm(refusedDir, { recursive: true, force: true });
    }

    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    assert.equal(await main(['reset-two-factor'], io, {}), 2, 'no database named');
    assert.equal(await main(['reset-two-factor', '--data', 'd', '--db', url], io, {}), 2);
    assert.equal(await main(['reset-two-factor', '--db', 'mysql://x/y'], io, {}), 2);
    assert.match(lines.join('\n'), /--db must be a postgres/);
    const notTessera = await pg.newDatabase();
    assert.equal(await main(['reset-two-factor', '--db', notTessera], io, {}), 1);
    assert.match(lines.join('\n'), /no Tessera database at 127\.0\.0\.1:\d+\/t\d+_\d+/);
    lines.length = 0;
    const withPassword = url.replace('postgres@', 'postgres:pw-s3cret@');
    assert.equal(await main(['reset-two-factor'], io, { TESSERA_DATABASE_URL: withPassword }), 0, lines.join('\n'));
    assert.match(lines.join('\n'), /Removed two-factor authentication from 1 account\(s\) in the PostgreSQL database at 127\.0\.0\.1:\d+\/t\d+_\d+/);
    assert.doesNotMatch(lines.join('\n'), /s3cret/);

    const renewed = memoryKeySource();
    const next = await startTestProvider({ databaseUrl: url, clock, dataKey: renewed });
    try {
      assert.ok(await renewed.load(), 'a new key was made');
      assert.equal((await next.api.get('/user', { basic: s.user })).status, 200, 'the password alone signs in: 2FA was removed');
    } finally {
      await next.close();
    }
  });

  describe('tessera serve --db', () => {
    let dataDir: string;
    const children: ChildProcess[] = [];
    beforeEach(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-cli-pg-'));
    });
    afterEach(async () => {
      for (const c of children.splice(0)) {
        try {
          if (c.pid && c.exitCode === null) process.kill(-c.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await rm(dataDir, { recursive: true, force: true });
    });

    function serve(args: string[], env: NodeJS.ProcessEnv = {}) {
      const child = spawn(process.execPath, [CLI, 'serve', '--data', dataDir, '--port', '0', '--tls', 'off', ...args], {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...env },
      });
      children.push(child);
      guardProcessGroup(child);
      const out = { text: '' };
      child.stdout!.on('data', (d) => (out.text += d));
      child.stderr!.on('data', (d) => (out.text += d));
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const listening = async () => {
        const end = Date.now() + 30_000;
        for (;;) {
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out.text);
          if (m) return m[1];
          if (child.exitCode !== null || Date.now() > end) throw new Error(`did not start: ${out.text}`);
          await new Promise((r) => setTimeout(r, 25));
        }
      };
      return { child, out, exit, listening };
    }

    it("says that a data folder's tessera.db (an embedded provider's) is not used when serving from PostgreSQL", async () => {
      const url = await pg.newDatabase();
      openDatabase(dataDir).close();
      const started = serve(['--db', url]);
      await started.listening();
      started.child.kill('SIGTERM');
      assert.equal(await started.exit, 0);
      const said = `tessera: ${path.join(dataDir, 'tessera.db')} is not used: the accounts and tokens are those of the PostgreSQL database at 127.0.0.1:`;
      assert.ok(started.out.text.includes(said), started.out.text);
      assert.match(started.out.text, /`tessera migrate --from .*` copies an embedded provider's into an empty one/);
    });

    it('serves from the database named by --db or TESSERA_DATABASE_URL (never printing its password), and stops on SIGTERM', async () => {
      const url = await pg.newDatabase();
      // Trust authentication ignores the password; it must still never be printed.
      const withPassword = url.replace('postgres@', 'postgres:pw-s3cret@');
      const byFlag = serve(['--db', withPassword]);
      const api = new ApiClient(await byFlag.listening());
      try {
        // The process list (every user of the host can read it) no longer holds the password, and
        // the command says where the URL should go instead.
        const commandLine = (await readFile(`/proc/${byFlag.child.pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
        assert.doesNotMatch(commandLine, /s3cret/, commandLine);
        assert.match(commandLine, /serve --data .* --db postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\//, commandLine);
        assert.match(byFlag.out.text, /carries a password.*TESSERA_DATABASE_URL/);
        assert.equal((await api.post('/users', { body: { login: 'cli-pg', email: 'cli-pg@x.test', password: 'pw-long-enough-1' } })).status, 201);
      } finally {
        await api.close();
      }
      byFlag.child.kill('SIGTERM');
      assert.equal(await byFlag.exit, 0);
      assert.doesNotMatch(byFlag.out.text, /s3cret/);
      assert.doesNotMatch(byFlag.out.text, /is not used/, 'no tessera.db in the folder: nothing to say');

      const byEnv = serve([], { TESSERA_DATABASE_URL: withPassword });
      const api2 = new ApiClient(await byEnv.listening());
      try {
        const taken = await api2.post('/users', { body: { login: 'cli-pg', email: 'other@x.test', password: 'pw-long-enough-1' } });
        assert.equal(taken.status, 422, 'the same database: the login is taken');
      } finally {
        await api2.close();
      }
      byEnv.child.kill('SIGTERM');
      assert.equal(await byEnv.exit, 0);
      assert.doesNotMatch(byEnv.out.text, /s3cret|carries a password/);
    });

    it('refuses a URL that is not PostgreSQL, with a message', async () => {
      const bad = serve(['--db', 'mysql://x/y']);
      assert.equal(await bad.exit, 2);
      assert.match(bad.out.text, /--db must be a postgres:\/\/ or postgresql:\/\/ URL/);
      assert.throws(() => parseServeArgs(['serve', '--data', 'd'], '/', { TESSERA_DATABASE_URL: 'file:x' }), /TESSERA_DATABASE_URL must be/);
      assert.equal(parseServeArgs(['serve', '--data', 'd'], '/', {}).databaseUrl, undefined, 'SQLite stays the default');
      assert.equal(parseServeArgs(['serve', '--data', 'd', '--db', 'postgresql://h/db'], '/', { TESSERA_DATABASE_URL: 'postgres://other/x' }).databaseUrl, 'postgresql://h/db', '--db wins');
    });
  });
});
