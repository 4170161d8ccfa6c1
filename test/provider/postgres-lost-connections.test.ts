// Team mode when the server ends a replica's connections (pg_terminate_backend, a failover): the
// connection that LISTENs for other replicas' changes, while no new one listens yet, still lets a
// change stream end when its token is deleted at another replica; and a repository lock whose
// connection ended is known lost by its holder, whose operation fails busy instead of going on
// unlocked beside the replica that took the lock meanwhile (and a delete whose COMMIT went through
// as the connection ended removes its bare repository rather than putting it back). A transaction whose connection is
// lost before its COMMIT was sent runs again; one whose COMMIT may have committed does not.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { Client } from 'pg';
import { repositoryPath } from '../../src/provider/git/bare-repos';
import { repositoriesRoot } from '../../src/provider/repos/repositories-root';
import { openPostgresStore, type PostgresStore } from '../../src/provider/store/postgres/postgres-store';
import { createUser } from '../builders/users';
import { newSession } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { openEventStream, type OpenStream } from './helpers/event-stream';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';
import { startPostgresProxy } from './helpers/postgres-proxy';
import { usePostgres } from './helpers/postgres-stores';
import { useReplicas } from './helpers/replicas';
import { startTestProvider, TestProvider } from './helpers/provider';
import { until } from './helpers/request-holds';
import { makeUser, T0 } from './store-contract/fixtures';
import { uniqueName } from '../builders/unique-name';

/** The backend of `url`'s database that holds an advisory lock and waits on a row lock (polled until there is one). */
async function advisoryHolderWaitingOnRow(killer: Client, url: string): Promise<number> {
  const db = new URL(url).pathname.slice(1);
  for (;;) {
    const rows = await killer.query<{ pid: number }>(
      `SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
       WHERE a.datname = $1 AND a.wait_event_type = 'Lock'`,
      [db],
    );
    if (rows.rows[0]) return rows.rows[0].pid;
  }
}

describe('team mode: connections the server ends', function () {
  this.timeout(60_000);
  const pg = usePostgres();
  const { replica, dataKey } = useReplicas();

  it('a change stream at a replica that cannot listen (its listening connection ended, no new one listens yet) ends once its token is deleted at another replica', async () => {
    const url = await pg.newDatabase();
    const proxy = await startPostgresProxy(Number(new URL(url).port));
    const killer = new Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
    await killer.connect();
    let a: TestProvider | undefined;
    let stream: OpenStream | undefined;
    try {
      // A reaches the database through the proxy only (which can refuse its new listening connections); B directly.
      a = await startTestProvider({ databaseUrl: proxy.via(url), dataKey });
      const b = await replica(url);
      await createUser(a);
      const s = await newSession(a);
      const tok = await createClassicToken(b, s, { scopes: ['user'] });
      stream = await openEventStream(a.provider.url, tok.token);
      assert.equal(stream.status, 200);
      await stream.next('ready', 0);
      await until(() => proxy.listening());
      proxy.refuseListening(true);
      const ports = proxy.listeningServerPorts();
      assert.equal(ports.length, 1, "A's listening connection");
      const ended = await killer.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE client_port = ANY($1::int[])`, [ports]);
      assert.deepEqual(ended.rows, [{ ok: true }], "A's listening backend is ended");
      await until(() => !proxy.listening());
      const del = await b.api.delete(`/user/personal-access-tokens/${tok.id}`, { token: s.token });
      assert.equal(del.status, 204, del.text);
      // A generous bound on a state (the stream ends), not a measured time: without the fix it stays open as long as A cannot listen.
      const outcome = await Promise.race([stream.ended.then(() => 'ended'), new Promise((r) => setTimeout(r, 30_000).unref()).then(() => 'still open')]);
      assert.equal(outcome, 'ended', 'the stream of the deleted token ends while A cannot listen');
      assert.ok(!proxy.listening(), 'A was not listening meanwhile');
    } finally {
      await stream?.close();
      proxy.refuseListening(false);
      await a?.close();
      await proxy.close();
      await killer.end();
    }
  });

  it('a repository lock whose connection the server ends is known lost: the rename holding it fails 503 and moves nothing, and the rename at another replica that took the lock meanwhile runs alone', async () => {
    const url = await pg.newDatabase();
    const a = await startInProcessProvider({ databaseUrl: url });
    const b = await startInProcessProvider({ databaseUrl: url, dataDir: a.dataDir });
    const killer = new Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
    await killer.connect();
    try {
      const s = await newSession(a);
      const me = s.user.login;
      const onDisk = (name: string) => existsSync(repositoryPath(repositoriesRoot(a.ctx), me, name));
      const made = await a.api.post('/user/repos', { token: s.token, body: { name: 'locked', auto_init: true } });
      assert.equal(made.status, 201, made.text);
      /** Holds the replica's next repository operation just after it took the lock. */
      const holdInsideLock = (t: InProcessProvider) => {
        const store = t.store as PostgresStore;
        const withLock = store.withRepositoryLock.bind(store);
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        const state = { arrived: 0, release };
        store.withRepositoryLock = (id, fn) =>
          withLock(id, async (locked) => {
            state.arrived++;
            await gate;
            return fn(locked);
          });
        return state;
      };
      const db = new URL(url).pathname.slice(1);
      const lockHolders = async () =>
        (
          await killer.query<{ pid: number }>(
            `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1`,
            [db],
          )
        ).rows.map((r) => r.pid);

      const atA = holdInsideLock(a);
      const renameAtA = a.api.patch(`/repos/${me}/locked`, { token: s.token, body: { name: 'renamed-at-a' } });
      await until(() => atA.arrived === 1);
      const [holder] = await lockHolders();
      assert.ok(holder, "A's lock connection holds the repository's lock");
      await killer.query('SELECT pg_terminate_backend($1)', [holder]);
      while ((await lockHolders()).length) await new Promise((r) => setTimeout(r, 10));

      const atB = holdInsideLock(b);
      const renameAtB = b.api.patch(`/repos/${me}/locked`, { token: s.token, body: { name: 'renamed-at-b' } });
      await until(() => atB.arrived === 1); // B took the lock A lost
      atA.release();
      const resA = await renameAtA;
      assert.equal(resA.status, 503, resA.text);
      assert.equal(resA.headers.get('retry-after'), '1');
      assert.deepEqual([onDisk('locked'), onDisk('renamed-at-a')], [true, false], 'A moved nothing');
      atB.release();
      const resB = await renameAtB;
      assert.equal(resB.status, 200, resB.text);
      assert.equal(resB.json.name, 'renamed-at-b');
      assert.deepEqual([onDisk('locked'), onDisk('renamed-at-a'), onDisk('renamed-at-b')], [false, false, true]);
      const refs = await b.api.call('GET', `${b.provider.url}/${me}/renamed-at-b.git/info/refs?service=git-upload-pack`, { basic: { login: me, password: s.token } });
      assert.equal(refs.status, 200);
      assert.match(refs.text, /refs\/heads\/main/, 'the data is at the name the record has');
      const again = await a.api.patch(`/repos/${me}/renamed-at-b`, { token: s.token, body: { name: 'renamed-at-a' } });
      assert.equal(again.status, 200, 'A takes repository locks again: ' + again.text);
    } finally {
      await killer.end();
      await b.close();
      await a.close();
    }
  });

  it('a repository lock lost while its rename waits to change the record: the change fails 503 and the bare repository goes back to the name the record kept', async () => {
    const url = await pg.newDatabase();
    const a = await startInProcessProvider({ databaseUrl: url });
    const killer = new Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
    const rowHolder = new Client({ connectionString: url });
    await Promise.all([killer.connect(), rowHolder.connect()]);
    try {
      const s = await newSession(a);
      const me = s.user.login;
      const onDisk = (name: string) => existsSync(repositoryPath(repositoriesRoot(a.ctx), me, name));
      const made = await a.api.post('/user/repos', { token: s.token, body: { name: 'waits', auto_init: true } });
      assert.equal(made.status, 201, made.text);
      // The record's row locked from outside: the rename moves the bare repository, then its UPDATE waits.
      await rowHolder.query('BEGIN');
      await rowHolder.query('SELECT id FROM repositories WHERE id = $1 FOR UPDATE', [made.json.id]);
      const rename = a.api.patch(`/repos/${me}/waits`, { token: s.token, body: { name: 'moved' } });
      const waiting = await advisoryHolderWaitingOnRow(killer, url);
      assert.ok(onDisk('moved') && !onDisk('waits'), 'the bare repository was moved before the record changes');
      await killer.query('SELECT pg_terminate_backend($1)', [waiting]);
      const res = await rename;
      await rowHolder.query('ROLLBACK');
      assert.equal(res.status, 503, res.text);
      assert.deepEqual([onDisk('waits'), onDisk('moved')], [true, false], 'back at the name the record kept');
      const rec = await a.api.get(`/repos/${me}/waits`, { token: s.token });
      assert.deepEqual([rec.status, rec.json.name], [200, 'waits']);
    } finally {
      await rowHolder.end();
      await killer.end();
      await a.close();
    }
  });

  it('a repository delete whose lock connection ends once its COMMIT reached the server: 503, its bare repository not put back at the name of a repository now gone (one of that name can be made again), and removed', async () => {
    const url = await pg.newDatabase();
    const proxy = await startPostgresProxy(Number(new URL(url).port));
    const a = await startInProcessProvider({ databaseUrl: proxy.via(url) });
    try {
      const s = await newSession(a);
      const me = s.user.login;
      const root = repositoriesRoot(a.ctx);
      const made = await a.api.post('/user/repos', { token: s.token, body: { name: 'gone', auto_init: true } });
      assert.equal(made.status, 201, made.text);
      // The answer to the next COMMIT is lost (the connection closed): the delete's, on the lock's connection.
      const store = a.store as PostgresStore;
      const withLock = store.withRepositoryLock.bind(store);
      store.withRepositoryLock = (id, fn) =>
        withLock(id, (locked) => {
          proxy.loseAnswerTo('COMMIT');
          return fn(locked);
        });
      const res = await a.api.delete(`/repos/${me}/gone`, { token: s.token });
      store.withRepositoryLock = withLock;
      assert.equal(res.status, 503, res.text);
      assert.equal((await a.api.get(`/repos/${me}/gone`, { token: s.token })).status, 404, 'the delete committed');
      assert.equal(existsSync(repositoryPath(root, me, 'gone')), false, 'its bare repository is not put back');
      assert.deepEqual(await readdir(path.join(root, '.trash')), [], 'and is removed');
      const again = await a.api.post('/user/repos', { token: s.token, body: { name: 'gone' } });
      assert.equal(again.status, 201, again.text);
      const refs = await a.api.call('GET', `${a.provider.url}/${me}/gone.git/info/refs?service=git-upload-pack`, { basic: { login: me, password: s.token } });
      assert.equal(refs.status, 200);
      assert.doesNotMatch(refs.text, /refs\/heads\/main/, 'the new repository is empty: nothing of the deleted one');
    } finally {
      await a.close();
      await proxy.close();
    }
  });

  it('a rename whose lock was lost after its bare repository moved puts it back only under the lock taken again: while another holder has the lock, nothing moves back', async () => {
    const url = await pg.newDatabase();
    const a = await startInProcessProvider({ databaseUrl: url });
    const killer = new Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
    const rowHolder = new Client({ connectionString: url });
    const lockHolder = new Client({ connectionString: url });
    await Promise.all([killer.connect(), rowHolder.connect(), lockHolder.connect()]);
    try {
      const s = await newSession(a);
      const me = s.user.login;
      const onDisk = (name: string) => existsSync(repositoryPath(repositoriesRoot(a.ctx), me, name));
      const made = await a.api.post('/user/repos', { token: s.token, body: { name: 'held-back', auto_init: true } });
      assert.equal(made.status, 201, made.text);
      await rowHolder.query('BEGIN');
      await rowHolder.query('SELECT id FROM repositories WHERE id = $1 FOR UPDATE', [made.json.id]);
      const rename = a.api.patch(`/repos/${me}/held-back`, { token: s.token, body: { name: 'moved-away' } });
      let answered = false;
      void rename.then(() => (answered = true));
      const db = new URL(url).pathname.slice(1);
      const holder = await advisoryHolderWaitingOnRow(killer, url);
      assert.ok(onDisk('moved-away') && !onDisk('held-back'), 'the bare repository was moved before the record changes');
      // The lock's connection ended, and the lock queued for at once by another holder (ahead of
      // anything the rename can ask once it hears of the loss).
      const mine = (await lockHolder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      await lockHolder.query(`SELECT pg_terminate_backend($1), pg_advisory_lock(hashtext('tessera.repository:' || $2))`, [holder, String(made.json.id)]);
      const waitingForLock = async () =>
        (
          await killer.query(`SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = $1 AND l.pid <> $2`, [db, mine])
        ).rows.length > 0;
      while (!answered && !(await waitingForLock())) await new Promise((r) => setTimeout(r, 10));
      assert.equal(answered, false, 'the put-back waits for the lock instead of moving the bare repository without it');
      assert.deepEqual([onDisk('held-back'), onDisk('moved-away')], [false, true], 'nothing moved back while another holder has the lock');
      await lockHolder.query(`SELECT pg_advisory_unlock(hashtext('tessera.repository:' || $1))`, [String(made.json.id)]);
      const res = await rename;
      await rowHolder.query('ROLLBACK');
      assert.equal(res.status, 503, res.text);
      assert.deepEqual([onDisk('held-back'), onDisk('moved-away')], [true, false], 'back at the name the record kept, under the lock');
    } finally {
      await Promise.all([rowHolder.end(), lockHolder.end(), killer.end()]);
      await a.close();
    }
  });

  /** A store over a new database that keeps its log, and an administrator's connection to end its connections. */
  async function storeAndKiller() {
    const url = await pg.newDatabase();
    const logs: string[] = [];
    const store = await openPostgresStore(url, { dataKey: pg.dataKey, log: (m) => logs.push(m) });
    const killer = new Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
    await killer.connect();
    /** Ends backend `pid` and waits until the server has let it go. */
    const end = async (pid: number) => {
      await killer.query('SELECT pg_terminate_backend($1)', [pid]);
      while ((await killer.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rows.length) await new Promise((r) => setTimeout(r, 10));
    };
    return { store, logs, killer, end };
  }

  /** The backend pid of the connection a transaction runs on (the store's database access is private: reached past the type). */
  const backendOf = async (tx: unknown) =>
    (await (tx as { db: { row(sql: string): Promise<{ pid: number }> } }).db.row('SELECT pg_backend_pid() AS pid')).pid;

  it("a periodic job's lock connection ended while the job runs: the loss is logged, the job finishes, and the lock is free again", async () => {
    const { store, logs, killer, end } = await storeAndKiller();
    try {
      const ran = await store.runExclusive('test-job', async () => {
        const held = await killer.query<{ pid: number }>(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted`);
        assert.equal(held.rows.length, 1, 'the job holds its lock');
        await end(held.rows[0].pid);
        await until(() => logs.some((l) => /the job test-job lock's connection ended/.test(l)));
        return 'done';
      });
      assert.equal(ran, 'done');
      assert.equal(await store.runExclusive('test-job', async () => 'again'), 'again');
    } finally {
      await killer.end();
      await store.close();
    }
  });

  it('a transaction whose connection the server ends while it waits between statements fails busy (no uncaught error), and the store goes on', async () => {
    const { store, killer, end } = await storeAndKiller();
    try {
      const failed = await store
        .transaction(async (tx) => {
          await end(await backendOf(tx)); // on every run
          return tx.users.byId(1);
        })
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      assert.ok(failed, 'the transaction failed');
      assert.ok(store.isBusy(failed), String(failed));
      assert.equal(await store.users.byId(1), undefined, 'the store answers on another connection');
    } finally {
      await killer.end();
      await store.close();
    }
  });

  it('a transaction whose connection the server ends before COMMIT was sent runs again on another connection and commits once', async () => {
    const { store, killer, end } = await storeAndKiller();
    try {
      const login = uniqueName('again');
      let runs = 0;
      const made = await store.transaction(async (tx) => {
        runs++;
        const user = await makeUser(tx, login); // on the first run: never committed, so no unique violation the second time
        if (runs === 1) await end(await backendOf(tx));
        assert.equal((await tx.users.byId(user.id))?.login, login);
        return user;
      });
      assert.equal(runs, 2, 'run again once, on a live connection');
      assert.deepEqual((await store.users.byLogin(login))?.id, made.id, 'committed once');
    } finally {
      await killer.end();
      await store.close();
    }
  });

  it('a transaction whose COMMIT reached the server but whose answer was lost is not run again: it fails busy, and what it wrote is there once', async () => {
    const url = await pg.newDatabase();
    const proxy = await startPostgresProxy(Number(new URL(url).port));
    const store = await openPostgresStore(proxy.via(url), { dataKey: pg.dataKey, log: () => undefined });
    try {
      const login = uniqueName('committed');
      let runs = 0;
      const failed = await store
        .transaction(async (tx) => {
          runs++;
          proxy.loseAnswerTo('COMMIT');
          return makeUser(tx, login);
        })
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      assert.ok(failed && store.isBusy(failed), String(failed));
      assert.equal(runs, 1, 'not run again: it may have committed');
      assert.ok(await store.users.byLogin(login), 'the server committed it');
    } finally {
      await store.close();
      await proxy.close();
    }
  });

  it("the store a repository lock hands runs a call from outside an open transaction of its after that transaction, not inside it (they share the lock's connection)", async () => {
    const store = await pg.newStore();
    const u = await makeUser(store);
    const r = await store.repositories.create({ ownerType: 'User', ownerId: u.id, name: 'shared', private: false, createdBy: u.id, createdAt: T0 });
    let outside: Promise<string | null | undefined> | undefined;
    await store.withRepositoryLock(r.id, async (locked) => {
      await assert.rejects(
        locked.transaction(async (tx) => {
          await tx.repositories.update(r.id, { description: 'never committed', updatedAt: T0 });
          outside = locked.repositories.byId(r.id).then((rec) => rec?.description);
          await new Promise((resolve) => setImmediate(resolve));
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
    });
    assert.equal(await outside, null, 'the outside read saw no uncommitted change');
  });
});
