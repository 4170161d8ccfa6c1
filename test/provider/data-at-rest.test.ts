// Data at rest: the data folder is readable by its owner only (0700, files 0600), made so at
// every start whatever modes it had; TOTP secrets are stored encrypted under a data key kept
// outside the database (secret.key, 0600), old plaintext rows are encrypted at start, and a start
// whose key is missing or wrong is refused rather than making a key that orphans 2FA.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { hashPassword } from '../../src/provider/auth/passwords';
import { main } from '../../src/provider/cli';
import { ManualClock } from '../../src/provider/clock';
import { DATA_KEY_FILE } from '../../src/provider/secrets/data-key';
import { DATABASE_FILE } from '../../src/provider/store/sqlite/database';
import { runMigrations } from '../../src/provider/store/sqlite/migrate';
import { MIGRATIONS } from '../../src/provider/store/sqlite/migrations';
import { createUser, type TestUser } from '../builders/users';
import { freshOtp, totpAt } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { signIn } from '../builders/sessions';
import { startTestProvider, type TestProvider } from './helpers/provider';
import { startProviderProcesses } from './helpers/provider-process';
import { describeSqliteOnly } from './helpers/test-database';

/** Every folder and file below `root` (root included) with its permission bits. */
async function modes(root: string): Promise<Map<string, { dir: boolean; mode: number }>> {
  const out = new Map<string, { dir: boolean; mode: number }>();
  const walk = async (p: string) => {
    const st = await fsp.lstat(p);
    out.set(path.relative(root, p) || '.', { dir: st.isDirectory(), mode: st.mode & 0o777 });
    if (st.isDirectory()) for (const name of await fsp.readdir(p)) await walk(path.join(p, name));
  };
  await walk(root);
  return out;
}

function assertPrivate(all: Map<string, { dir: boolean; mode: number }>): void {
  for (const [name, { dir, mode }] of all) {
    if (dir) assert.equal(mode, 0o700, `folder ${name} is ${mode.toString(8)}`);
    else assert.equal(mode & 0o077, 0, `file ${name} is ${mode.toString(8)}`);
  }
}

async function widen(root: string): Promise<void> {
  for (const [name, { dir }] of await modes(root)) await fsp.chmod(path.join(root, name), dir ? 0o755 : 0o644);
}

/** Asserts the start is refused with `message`; a provider that starts anyway is closed, and the test fails. */
async function assertRefused(starting: Promise<TestProvider>, message: RegExp): Promise<void> {
  const t = await starting.catch((err: Error) => {
    assert.match(err.message, message);
    return undefined;
  });
  if (t) {
    await t.close();
    assert.fail(`it started, though it should have refused: ${message}`);
  }
}

/** GET /user with Basic password + a fresh TOTP code. */
async function twoFactorSignIn(t: TestProvider, user: TestUser): Promise<number> {
  return (await t.api.get('/user', { basic: user, otp: await freshOtp(t, user) })).status;
}

describeSqliteOnly('data at rest', function () {
  this.timeout(60_000);
  let dataDir: string;
  let open: TestProvider[];

  beforeEach(async () => {
    dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'tessera-at-rest-'));
    open = [];
  });
  afterEach(async () => {
    for (const t of open) await t.close().catch(() => undefined);
    await fsp.rm(dataDir, { recursive: true, force: true });
  });

  async function start(clock?: ManualClock, tls: 'auto' | 'off' = 'off'): Promise<TestProvider> {
    const t = await startTestProvider({ dataDir, ...(clock ? { clock } : {}), tls });
    open.push(t);
    return t;
  }
  async function stop(t: TestProvider): Promise<void> {
    open.splice(open.indexOf(t), 1);
    await t.close();
  }

  it('a fresh data folder is 0700 with every file 0600, even under umask 000 (db, -wal, -shm, key, TLS, repositories)', async () => {
    await fsp.rm(dataDir, { recursive: true });
    const umask = process.umask(0);
    let t: TestProvider;
    try {
      t = await start(undefined, 'auto');
      const user = await createUser(t);
      const session = await signIn(t, user, ['repo', 'user']);
      assert.equal((await t.api.post('/user/repos', { token: session.token, body: { name: 'kept' } })).status, 201);
      await enableTwoFactor(t, user, session.token);
    } finally {
      process.umask(umask);
    }
    const all = await modes(dataDir);
    for (const name of [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, DATA_KEY_FILE, 'tls/ca.pem', 'tls/ca-key.pem', 'tls/server.pem', 'tls/server-key.pem']) {
      assert.equal(all.get(name)?.mode, 0o600, `${name}: ${all.get(name)?.mode.toString(8)}`);
    }
    assert.ok([...all.keys()].some((n) => n.startsWith('repositories/')), 'the repository is on disk');
    assertPrivate(all);
    await stop(t!);
  });

  it('a data folder widened to 0755/0644 (a copy, a restore) is narrowed again at the next start', async () => {
    const t1 = await start(undefined, 'auto');
    const user = await createUser(t1);
    const session = await signIn(t1, user, ['repo', 'user']);
    assert.equal((await t1.api.post('/user/repos', { token: session.token, body: { name: 'kept' } })).status, 201);
    await stop(t1);
    await widen(dataDir);
    const widened = await modes(dataDir);
    assert.equal(widened.get(DATABASE_FILE)?.mode, 0o644);
    assert.equal(widened.get('.')?.mode, 0o755);

    const t2 = await start(undefined, 'auto');
    assertPrivate(await modes(dataDir));
    assert.equal((await t2.api.get('/user', { token: session.token })).status, 200, 'the data is still served');
  });

  it('refuses a data folder others can write to (group or world), leaving it as it is', async () => {
    // Whoever may write to the folder can have put files there for the provider to use (a
    // database with their accounts, a CA key they know, a symbolic link) or replaced its own.
    for (const mode of [0o777, 0o770, 0o702]) {
      await fsp.chmod(dataDir, mode);
      await assert.rejects(start(), new RegExp(`the data folder .* is writable by other users \\(mode ${mode.toString(8)}\\)`));
      assert.equal((await fsp.stat(dataDir)).mode & 0o777, mode, 'left as it is, for its owner to look at');
      assert.deepEqual(await fsp.readdir(dataDir), [], 'nothing is made in it');
    }
    await fsp.chmod(dataDir, 0o700);
    await stop(await start());
  });

  it('refuses a data folder another user owns, or one holding an entry of another user (file or symbolic link)', async () => {
    const NOBODY = 65534;
    if (process.getuid?.() !== 0) {
      // Only root can give a folder away; the file system's root is another user's everywhere else.
      await assertRefused(startTestProvider({ dataDir: '/', tls: 'off' }), /the data folder \/ belongs to another user/);
      return;
    }
    const foreign = path.join(dataDir, 'foreign');
    await fsp.mkdir(foreign, { mode: 0o700 });
    await fsp.chown(foreign, NOBODY, NOBODY);
    await assertRefused(startTestProvider({ dataDir: foreign, tls: 'off' }), /the data folder .*foreign belongs to another user \(uid 65534\)/);
    assert.deepEqual(await fsp.readdir(foreign), [], 'nothing is made in it');
    await fsp.rm(foreign, { recursive: true });

    await stop(await start(undefined, 'auto'));
    for (const [name, make] of [
      ['planted', () => fsp.writeFile(path.join(dataDir, 'planted'), '', { mode: 0o600 })],
      ['tls/ca-key.pem.lnk', () => fsp.symlink('/nonexistent', path.join(dataDir, 'tls', 'ca-key.pem.lnk'))],
    ] as const) {
      await make();
      await fsp.lchown(path.join(dataDir, name), NOBODY, NOBODY);
      await assert.rejects(start(), new RegExp(`${name.replace(/[./]/g, '\\$&')} in the data folder .* belongs to another user \\(uid 65534\\)`));
      await fsp.rm(path.join(dataDir, name));
    }
    await stop(await start());
  });

  it('the database and its WAL never hold a TOTP secret in clear; 2FA sign-in works across a restart with the same key file', async () => {
    const t1 = await start();
    const user = await createUser(t1);
    const { secret } = await enableTwoFactor(t1, user);
    // A second, pending setup of another user (a secret that is not enabled yet).
    const other = await createUser(t1);
    const pending = await t1.api.post('/user/two-factor/setup', { token: (await signIn(t1, other, ['user'])).token });
    assert.equal(pending.status, 200);
    const pendingSecret: string = pending.json.secret;

    for (const file of [DATABASE_FILE, `${DATABASE_FILE}-wal`]) {
      const raw = await fsp.readFile(path.join(dataDir, file));
      for (const s of [secret, pendingSecret]) {
        assert.equal(raw.includes(Buffer.from(s)), false, `a TOTP secret in clear in ${file}`);
      }
    }
    const db = new DatabaseSync(path.join(dataDir, DATABASE_FILE), { readOnly: true });
    try {
      const rows = db.prepare('SELECT secret FROM two_factor').all() as { secret: string }[];
      assert.equal(rows.length, 2);
      for (const r of rows) assert.match(r.secret, /^v1:[A-Za-z0-9_-]+$/);
    } finally {
      db.close();
    }
    assert.equal(await twoFactorSignIn(t1, user), 200);
    const key = await fsp.readFile(path.join(dataDir, DATA_KEY_FILE), 'utf8');
    assert.equal(Buffer.from(key.trim(), 'base64').length, 32);
    await stop(t1);

    const t2 = await start(t1.clock);
    assert.equal(await fsp.readFile(path.join(dataDir, DATA_KEY_FILE), 'utf8'), key, 'the key file is reused, not replaced');
    assert.equal(await twoFactorSignIn(t2, user), 200, '2FA sign-in after the restart');
    assert.equal((await t2.api.get('/user', { basic: user, otp: await totpAt(secret, new Date(t2.clock.now().getTime() - 3600_000)) })).status, 401);
  });

  it('a TOTP secret stored in clear by an older provider is encrypted at start and still signs in', async () => {
    // An older database: schema without the data key, a user with 2FA whose secret is in clear.
    await fsp.chmod(dataDir, 0o755);
    const db = new DatabaseSync(path.join(dataDir, DATABASE_FILE));
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const password = 'correct horse battery';
    try {
      db.exec('PRAGMA journal_mode = WAL');
      runMigrations(db, MIGRATIONS.filter((m) => m.version <= 2));
      const now = new Date().toISOString();
      const { lastInsertRowid } = db
        .prepare(`INSERT INTO users (login, email, password_hash, site_admin, created_at, updated_at) VALUES ('old', 'old@example.test', ?, 1, ?, ?)`)
        .run(await hashPassword(password), now, now);
      db.prepare(`INSERT INTO two_factor (user_id, secret, enabled, created_at, enabled_at) VALUES (?, ?, 1, ?, ?)`).run(lastInsertRowid, secret, now, now);
    } finally {
      db.close();
    }

    const t = await start();
    const check = new DatabaseSync(path.join(dataDir, DATABASE_FILE), { readOnly: true });
    try {
      const { secret: stored } = check.prepare('SELECT secret FROM two_factor').get() as { secret: string };
      assert.match(stored, /^v1:/);
      assert.ok(!stored.includes(secret));
    } finally {
      check.close();
    }
    const user: TestUser = { id: 1, login: 'old', email: 'old@example.test', password, siteAdmin: true, totpSecret: secret };
    assert.equal(await twoFactorSignIn(t, user), 200);
    assert.equal((await t.api.get('/user', { basic: user })).status, 401, 'the password alone is still not enough');
  });

  it('refuses to start when the key file is gone or another key, naming the way out; reset-two-factor is that way out', async () => {
    const t1 = await start();
    const user = await createUser(t1);
    await enableTwoFactor(t1, user);
    await stop(t1);
    const keyFile = path.join(dataDir, DATA_KEY_FILE);
    const key = await fsp.readFile(keyFile);

    await fsp.rm(keyFile);
    await assert.rejects(start(t1.clock), (err: Error) => {
      assert.match(err.message, /holds secrets encrypted with a data key that is not in the file .*secret\.key/);
      assert.match(err.message, /tessera reset-two-factor --data /);
      return true;
    });
    await assert.rejects(fsp.stat(keyFile), /ENOENT/, 'no new key is made');

    await fsp.writeFile(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    await assert.rejects(start(t1.clock), /the data key in the file .*secret\.key is not the key the secrets/);

    await fsp.writeFile(keyFile, key);
    const t2 = await start(t1.clock);
    assert.equal(await twoFactorSignIn(t2, user), 200, 'the restored key opens the secrets');
    await stop(t2);

    await fsp.rm(keyFile);
    const lines: string[] = [];
    assert.equal(await main(['reset-two-factor', '--data', dataDir], { out: (l) => lines.push(l), err: (l) => lines.push(l) }), 0);
    assert.match(lines.join('\n'), /Removed two-factor authentication from 1 account/);
    const t3 = await start(t1.clock);
    assert.equal((await t3.api.get('/user', { basic: user })).status, 200, 'the password alone signs in: 2FA was removed');
    assert.equal(((await fsp.stat(keyFile)).mode & 0o777), 0o600, 'a new key file');
  });

  it('a key source that cannot be read stops the start; no key file is made instead', async () => {
    const unavailable = {
      where: 'a keyring',
      load: async () => {
        throw new Error('the keyring is locked');
      },
      save: async () => {
        throw new Error('the keyring is locked');
      },
    };
    await assert.rejects(startTestProvider({ dataDir, dataKey: unavailable }), /the keyring is locked/);
    await assert.rejects(fsp.stat(path.join(dataDir, DATA_KEY_FILE)), /ENOENT/);
  });

  it('two processes starting together on a new data folder make one key and open each other\'s secrets', async () => {
    const [a, b] = await startProviderProcesses(dataDir, 2);
    try {
      const user = await createUser(a);
      await enableTwoFactor(a, user);
      const code = await totpAt(user.totpSecret!, new Date(Date.now() + 30_000));
      assert.equal((await b.api.get('/user', { basic: user, otp: code })).status, 200, 'the other process opens the secret');
    } finally {
      await a.stop();
      await b.stop();
    }
    assert.equal(((await fsp.stat(path.join(dataDir, DATA_KEY_FILE))).mode & 0o777), 0o600);
  });

  it('a lost key file with no encrypted secret depending on it is replaced without fuss', async () => {
    const t1 = await start();
    const user = await createUser(t1);
    await stop(t1);
    await fsp.rm(path.join(dataDir, DATA_KEY_FILE));
    const t2 = await start();
    assert.equal((await t2.api.get('/user', { basic: user })).status, 200);
    await enableTwoFactor(t2, user);
    assert.equal(await twoFactorSignIn(t2, user), 200);
  });
});
