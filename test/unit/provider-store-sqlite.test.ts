// The SQLite store's migrations and its atomic statements (sign-in attempt reservations, TOTP step
// compare-and-set, single-use recovery codes), on an in-memory database.
import * as assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { appliedMigrations, Migration, runMigrations } from '../../src/provider/store/sqlite/migrate';
import { MIGRATIONS } from '../../src/provider/store/sqlite/migrations';
import { SqliteStore } from '../../src/provider/store/sqlite/sqlite-store';
import { SecretBox } from '../../src/provider/secrets/secret-box';
import { allRows, oneRow } from '../../src/provider/store/sqlite/statements';
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';


function memoryStore(): SqliteStore {
  const db = new DatabaseSync(':memory:');
  db.exec('PRAGMA foreign_keys = ON');
  runMigrations(db, MIGRATIONS);
  const box = new SecretBox(randomBytes(32));
  db.prepare('INSERT INTO data_key (id, key_id, created_at) VALUES (1, ?, ?)').run(box.keyId, new Date().toISOString());
  // Its data folder holds only the push locks, which these tests never take (so it is never made).
  return new SqliteStore(db, box, path.join(os.tmpdir(), 'tessera-unit-no-push-locks'));
}

describe('provider SQLite store', () => {
  it('runs migrations once, in order, recording versions; refuses a newer database and a misordered list', () => {
    const db = new DatabaseSync(':memory:');
    assert.deepEqual(runMigrations(db, MIGRATIONS), MIGRATIONS.map((m) => m.version));
    assert.deepEqual(runMigrations(db, MIGRATIONS), [], 'idempotent');
    assert.deepEqual(appliedMigrations(db).map((m) => m.version), MIGRATIONS.map((m) => m.version));
    const extra: Migration = { version: 999, name: 'later', up: 'CREATE TABLE later_table (id INTEGER)' };
    assert.deepEqual(runMigrations(db, [...MIGRATIONS, extra]), [999]);
    assert.throws(() => runMigrations(db, MIGRATIONS), /newer/);
    assert.throws(() => runMigrations(new DatabaseSync(':memory:'), [extra, MIGRATIONS[0]]), /out of order/);
    const failing: Migration = { version: 1000, name: 'broken', up: 'CREATE TABLE later_table (id INTEGER)' };
    assert.throws(() => runMigrations(db, [...MIGRATIONS, extra, failing]), /migration 1000/);
    assert.equal(appliedMigrations(db).length, MIGRATIONS.length + 1, 'a failed migration is rolled back, not recorded');
  });

  it('stores TOTP secrets encrypted and bound to the user, and writes none once the database has another data key', async () => {
    const s = memoryStore();
    const now = new Date('2030-01-01T00:00:00Z');
    const u = await s.users.create({ login: 'k', email: 'k@example.test', name: null, passwordHash: 'x', siteAdmin: false, createdAt: now });
    const v = await s.users.create({ login: 'v', email: 'v@example.test', name: null, passwordHash: 'x', siteAdmin: false, createdAt: now });
    await s.twoFactor.beginSetup(u.id, 'JBSWY3DPEHPK3PXP', now);
    const raw = (s.db.prepare('SELECT secret FROM two_factor WHERE user_id = ?').get(u.id) as { secret: string }).secret;
    assert.match(raw, /^v1:/);
    assert.equal((await s.twoFactor.get(u.id))?.secret, 'JBSWY3DPEHPK3PXP');
    // Copied into another user's row, it does not open.
    await s.twoFactor.beginSetup(v.id, 'OTHERSECRETOTHER', now);
    s.db.prepare('UPDATE two_factor SET secret = ? WHERE user_id = ?').run(raw, v.id);
    await assert.rejects(s.twoFactor.get(v.id), /does not decrypt/);
    // Another process gave the database a new key: nothing more is sealed under the old one.
    s.db.prepare(`UPDATE data_key SET key_id = 'another'`).run();
    await assert.rejects(s.twoFactor.beginSetup(u.id, 'JBSWY3DPEHPK3PXP', now), /another data key/);
    assert.throws(() => s.twoFactor.sealPlaintextSecrets(), /another data key/);
  });

  it('reads rows as objects by column name, whatever the names; a single-row read follows a schema change', () => {
    const db = new DatabaseSync(':memory:');
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('a'), ('b')");
    assert.deepEqual(allRows(db, 'SELECT * FROM t ORDER BY id').map((r) => ({ ...r })), [{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
    assert.deepEqual({ ...oneRow(db, 'SELECT * FROM t WHERE id = ?', 2) }, { id: 2, name: 'b' });
    assert.equal(oneRow(db, 'SELECT * FROM t WHERE id = ?', 3), undefined);
    // Names that are not plain identifiers are still keys, and `__proto__` never becomes a prototype.
    const odd = oneRow(db, `SELECT 1 AS "a b", 2 AS "__proto__", 3 AS "x'y"`)!;
    assert.deepEqual(Object.keys(odd), ['a b', '__proto__', "x'y"]);
    assert.equal(Object.getPrototypeOf(odd), Object.prototype);
    assert.equal(odd['a b'], 1);
    // A column added after the statement was first read shows in the next read.
    db.exec("ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'e'");
    assert.deepEqual({ ...oneRow(db, 'SELECT * FROM t WHERE id = ?', 1) }, { id: 1, name: 'a', extra: 'e' });
  });

  it("reads a token's scopes and permissions as one frozen value per JSON text, and a changed text anew", async () => {
    const s = memoryStore();
    const now = new Date('2030-01-01T00:00:00Z');
    const u = await s.users.create({ login: 'j', email: 'j@example.test', name: null, passwordHash: 'x', siteAdmin: false, createdAt: now });
    const permissions = { repository: { contents: 'read' as const, metadata: 'read' as const } };
    const made = (n: number, kind: 'classic' | 'fine_grained') =>
      s.tokens.create({ userId: u.id, kind, note: `t${n}`, status: 'active', expiresAt: null, tokenLastEight: `0000000${n}`, hashedToken: `digest-${n}`, createdAt: now,
        ...(kind === 'classic' ? { scopes: ['repo', 'user'] } : { resourceOwnerType: 'User', resourceOwnerId: u.id, repositorySelection: 'all', permissions }) });
    const [a, b, c, d] = [await made(1, 'classic'), await made(2, 'classic'), await made(3, 'fine_grained'), await made(4, 'fine_grained')];
    const listed = await s.tokens.list({ userId: u.id });
    assert.equal(a.scopes, b.scopes, 'one value for one text');
    assert.equal(listed.find((t) => t.id === a.id)!.scopes, a.scopes);
    assert.ok(Object.isFrozen(a.scopes));
    assert.throws(() => a.scopes.push('admin:org'), TypeError, 'shared: nobody may change it');
    assert.equal(c.permissions, d.permissions);
    assert.ok(Object.isFrozen(c.permissions) && Object.isFrozen(c.permissions!.repository));
    assert.deepEqual(c.permissions, permissions);
    assert.equal((await s.tokens.summariesByIds([c.id]))[0].permissions, c.permissions);
    const changed = await s.tokens.update(a.id, { scopes: ['repo'], updatedAt: now });
    assert.deepEqual(changed!.scopes, ['repo']);
    assert.deepEqual((await s.tokens.byId(b.id))!.scopes, ['repo', 'user']);
  });
});
