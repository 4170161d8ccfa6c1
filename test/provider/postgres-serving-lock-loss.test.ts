// Team mode while a replica does not hold the database's serving lock: from its lock connection's
// end (pg_terminate_backend) until the lock is held again — or for good, when a reset took it alone
// meanwhile — and from the moment its store starts closing (a server stops: the app first, the
// store last), the store sends the database nothing. A write fails busy (503 with Retry-After),
// and a transaction under way is rolled back at its COMMIT: nothing is committed beside a
// `tessera reset-two-factor --db` (which forgets the data key a secret would be sealed with).
import * as assert from 'node:assert/strict';
import { Client } from 'pg';
import { resetAllTwoFactorPg } from '../../src/provider/store/postgres/data-key-ledger';
import { openPostgresStore, type PostgresStore } from '../../src/provider/store/postgres/postgres-store';
import { SERVING_LOCK_APPLICATION, SERVING_LOCK_KEY } from '../../src/provider/store/postgres/serving-lock';
import { uniqueName } from '../builders/unique-name';
import { usePostgres } from './helpers/postgres-stores';
import { until } from './helpers/request-holds';
import { makeUser } from './store-contract/fixtures';

describe('team mode: the serving lock not held', function () {
  this.timeout(60_000);
  const pg = usePostgres();

  /**
   * A store over a new database holding the serving lock, as a server's, that keeps its log and
   * the losses for good it was told of; and an administrator's connection (to the `postgres` database).
   */
  async function servingStore() {
    const url = await pg.newDatabase();
    const logs: string[] = [];
    const lost: string[] = [];
    const store = await openPostgresStore(url, { dataKey: pg.dataKey, log: (m) => logs.push(m), serving: { onLost: (reason) => lost.push(reason) } });
    const admin = new Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    const db = new URL(url).pathname.slice(1);
    /** The backend pid of the store's serving lock connection. */
    const servingBackend = async () =>
      (await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2`, [db, SERVING_LOCK_APPLICATION])).rows[0].pid;
    return { url, db, store, logs, lost, admin, servingBackend };
  }

  /** Which of `logins` the database at `url` has committed, read on a connection of the test's own. */
  async function committedLogins(url: string, logins: string[]): Promise<string[]> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<{ login: string }>('SELECT login FROM users WHERE login = ANY($1) ORDER BY login', [logins])).rows.map((r) => r.login);
    } finally {
      await client.end();
    }
  }

  /**
   * Starts a transaction that writes a user named `login`, then waits for `finish()` before it
   * returns (and commits): `written` resolves once the user is written, `outcome` to the error the
   * transaction failed with (undefined: committed).
   */
  function transactionHeldOpen(store: PostgresStore, login: string) {
    let finish!: () => void;
    const finishing = new Promise<void>((r) => (finish = r));
    let wrote!: () => void;
    const written = new Promise<void>((r) => (wrote = r));
    const outcome = store
      .transaction(async (tx) => {
        await makeUser(tx, login);
        wrote();
        await finishing;
      })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    return { written, finish, outcome };
  }

  /** The error `p` fails with (undefined: it succeeded). */
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (err: unknown) => err,
    );

  /** Opens two pooled connections, kept idle: a write while the database takes no new connection needs none. */
  const warmPool = (store: PostgresStore) => Promise.all([makeUser(store), makeUser(store)]);

  it("its connection ended, the lock not held again yet (the database takes no new connection): a transaction begun before is rolled back at its COMMIT, a write begun after fails busy, nothing is committed; held again, a write commits", async () => {
    const { url, db, store, logs, lost, admin, servingBackend } = await servingStore();
    let open: ReturnType<typeof transactionHeldOpen> | undefined;
    try {
      await warmPool(store);
      const [before, after, again] = [uniqueName('before'), uniqueName('after'), uniqueName('again')];
      open = transactionHeldOpen(store, before);
      await open.written;
      await admin.query(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS false`);
      const pid = await servingBackend();
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await until(() => logs.some((l) => /serving lock connection ended/.test(l)));
      const refused = await failure(makeUser(store, after));
      assert.ok(refused && store.isBusy(refused), `a write begun after the loss fails busy: ${String(refused)}`);
      open.finish();
      const failed = await open.outcome;
      assert.ok(failed && store.isBusy(failed), `the transaction begun before fails busy at its COMMIT: ${String(failed)}`);
      await admin.query(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS true`);
      await until(() => logs.some((l) => /serving lock is held again/.test(l)));
      assert.deepEqual(await committedLogins(url, [before, after]), [], 'nothing was committed without the lock');
      await makeUser(store, again);
      assert.deepEqual(await committedLogins(url, [again]), [again], 'held again: a write commits');
      assert.deepEqual(lost, [], 'the lock was not lost for good');
    } finally {
      open?.finish(); // the store closes once its transaction has ended
      await open?.outcome;
      await admin.query(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS true`);
      await admin.end();
      await store.close();
    }
  });

  it('taken alone by a reset as its connection ends (lost for good): a transaction begun before is rolled back at its COMMIT, a write begun after fails busy, and nothing is committed', async () => {
    const { url, store, lost, admin, servingBackend } = await servingStore();
    const reset = new Client({ connectionString: url });
    await reset.connect();
    let open: ReturnType<typeof transactionHeldOpen> | undefined;
    try {
      await warmPool(store);
      const [before, after] = [uniqueName('before'), uniqueName('after')];
      open = transactionHeldOpen(store, before);
      await open.written;
      // As `tessera reset-two-factor --db` takes it, the moment the replica's lock connection has ended.
      await reset.query(`SELECT pg_terminate_backend($1), pg_advisory_lock(${SERVING_LOCK_KEY})`, [await servingBackend()]);
      await until(() => lost.length === 1);
      const refused = await failure(makeUser(store, after));
      assert.ok(refused && store.isBusy(refused), `a write begun after the loss fails busy: ${String(refused)}`);
      open.finish();
      const failed = await open.outcome;
      assert.ok(failed && store.isBusy(failed), `the transaction begun before fails busy at its COMMIT: ${String(failed)}`);
      assert.deepEqual(await committedLogins(url, [before, after]), [], 'nothing was committed beside the reset');
    } finally {
      open?.finish();
      await open?.outcome;
      await reset.end();
      await admin.end();
      await store.close();
    }
  });

  it('a reset that runs from start to end while the replica cannot take the lock again: taken again, the lock is lost for good (the data key was forgotten), and a write fails busy', async () => {
    const url = await pg.newDatabase();
    // The replica connects as a role of its own, so its new connections can be refused while the reset's are let in.
    const role = `replica_${new URL(url).pathname.slice(1)}`;
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE ROLE "${role}" LOGIN SUPERUSER`);
    const replicaUrl = new URL(url);
    replicaUrl.username = role;
    const logs: string[] = [];
    const lost: string[] = [];
    const store = await openPostgresStore(replicaUrl.href, { dataKey: pg.dataKey, log: (m) => logs.push(m), serving: { onLost: (reason) => lost.push(reason) } });
    try {
      await warmPool(store);
      await admin.query(`ALTER ROLE "${role}" NOLOGIN`);
      const pid = (await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE usename = $1 AND application_name = $2`, [role, SERVING_LOCK_APPLICATION])).rows[0].pid;
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await until(() => logs.some((l) => /serving lock connection ended/.test(l)));
      assert.equal(await resetAllTwoFactorPg(url), 0);
      await admin.query(`ALTER ROLE "${role}" LOGIN`);
      await until(() => lost.length === 1 || logs.some((l) => /serving lock is held again/.test(l)));
      assert.equal(lost.length, 1, `the lock is lost for good once taken again: ${logs.join(' | ')}`);
      assert.match(lost[0], /tessera reset-two-factor --db/);
      const login = uniqueName('after-reset');
      const refused = await failure(makeUser(store, login));
      assert.ok(refused && store.isBusy(refused), `a write fails busy: ${String(refused)}`);
      assert.deepEqual(await committedLogins(url, [login]), [], 'nothing was committed after the reset');
    } finally {
      await store.close();
      await admin.query(`ALTER ROLE "${role}" LOGIN`);
      await admin.end();
    }
  });

  it('a transaction still open when its store starts closing is rolled back at its COMMIT (busy), and the store closes', async () => {
    const { url, store, admin } = await servingStore();
    try {
      const login = uniqueName('closing');
      const open = transactionHeldOpen(store, login);
      await open.written;
      const closed = store.close();
      open.finish();
      const failed = await open.outcome;
      assert.ok(failed && store.isBusy(failed), `the transaction fails busy at its COMMIT: ${String(failed)}`);
      await closed;
      assert.deepEqual(await committedLogins(url, [login]), [], 'nothing was committed while the store closed');
    } finally {
      await admin.end();
      await store.close();
    }
  });
});
