// The SQLite store's reads share one read transaction per event-loop turn
// (src/provider/store/sqlite/shared-read.ts): what a request sees must stay what it saw when every
// statement had a transaction of its own — its own writes at once, committed at once (another
// connection sees them before the turn ends), and another connection's commit from the next turn
// on; a transaction begun in a turn that read reads the latest data.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DATABASE_FILE } from '../../src/provider/data-folder-names';
import { openSqliteStore, type SqliteStore } from '../../src/provider/store/sqlite/sqlite-store';
import type { UserRecord } from '../../src/provider/store/users';

describe('SQLite: one read transaction per event-loop turn', () => {
  let dataDir: string;
  let store: SqliteStore;
  let other: DatabaseSync;
  let user: UserRecord;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-shared-read-'));
    store = await openSqliteStore(dataDir);
    user = await store.users.create({ login: 'reader', email: 'reader@example.test', name: 'before', passwordHash: 'x', siteAdmin: false, createdAt: new Date() });
    other = new DatabaseSync(path.join(dataDir, DATABASE_FILE));
    other.exec('PRAGMA busy_timeout = 5000');
    await nextTurn();
  });
  afterEach(async () => {
    other.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const nameSeenByOther = () => (other.prepare('SELECT name FROM users WHERE id = ?').get(user.id) as { name: string }).name;
  const renameByOther = (name: string) => other.prepare('UPDATE users SET name = ? WHERE id = ?').run(name, user.id);

  it('a write in a turn that read is committed at once, and the turn reads it back', async () => {
    assert.equal((await store.users.byId(user.id))?.name, 'before');
    await store.users.update(user.id, { name: 'after', updatedAt: new Date() });
    // Still the same turn: another connection sees the commit, and so do this turn's reads.
    assert.equal(nameSeenByOther(), 'after');
    assert.equal((await store.users.byId(user.id))?.name, 'after');
    // A write made while no read was open in the turn either.
    await nextTurn();
    await store.users.update(user.id, { name: 'again', updatedAt: new Date() });
    assert.equal(nameSeenByOther(), 'again');
  });

  it("another connection's commit is read from the next turn on, with the change version", async () => {
    assert.equal((await store.users.byId(user.id))?.name, 'before');
    const v0 = store.changeVersion();
    renameByOther('elsewhere');
    // The turn that read already reads the data the change version names.
    assert.equal(store.changeVersion(), v0);
    assert.equal((await store.users.byId(user.id))?.name, 'before');
    await nextTurn();
    assert.equal((await store.users.byId(user.id))?.name, 'elsewhere');
    assert.notEqual(store.changeVersion(), v0);
  });

  it('a transaction begun in a turn that read reads the latest commit and writes without conflict', async () => {
    assert.equal((await store.users.byId(user.id))?.name, 'before');
    renameByOther('elsewhere');
    const seen = await store.transaction(async (tx) => {
      const u = await tx.users.byId(user.id);
      await tx.users.update(user.id, { name: `${u?.name} and here`, updatedAt: new Date() });
      return u?.name;
    });
    assert.equal(seen, 'elsewhere');
    assert.equal(nameSeenByOther(), 'elsewhere and here');
  });

  it('a write returning rows (INSERT … RETURNING) in a turn that read is committed at once', async () => {
    assert.equal((await store.users.byId(user.id))?.name, 'before');
    renameByOther('elsewhere');
    // An audit event is written with RETURNING: it neither joins the turn's read (which would
    // fail busy: another connection wrote past its snapshot) nor waits for the turn's end.
    await store.audit.append({
      action: 'test.event', createdAt: new Date(), actorId: user.id, actorLogin: user.login, userId: user.id, userLogin: user.login,
      orgId: null, orgLogin: null, tokenId: null, actorIp: null, data: {},
    });
    assert.equal((other.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'test.event'").get() as { n: number }).n, 1);
  });
});
