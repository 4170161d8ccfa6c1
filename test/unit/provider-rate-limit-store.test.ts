// The SQLite rate-limit counters: one atomic statement per request, capped at limit + 1, a new
// window starting over, refunds, peeks and pruning; and their writes do not move the change
// generation the principal cache watches.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { SecretBox } from '../../src/provider/secrets/secret-box';
import { runMigrations } from '../../src/provider/store/sqlite/migrate';
import { MIGRATIONS } from '../../src/provider/store/sqlite/migrations';
import { SqliteStore } from '../../src/provider/store/sqlite/sqlite-store';

const HOUR = 3_600_000;

function memoryStore(): SqliteStore {
  const db = new DatabaseSync(':memory:');
  runMigrations(db, MIGRATIONS);
  const box = new SecretBox(randomBytes(32));
  db.prepare('INSERT INTO data_key (id, key_id, created_at) VALUES (1, ?, ?)').run(box.keyId, new Date().toISOString());
  return new SqliteStore(db, box);
}

describe('provider rate-limit store (SQLite)', () => {
  const w0 = new Date(Date.UTC(2026, 0, 1, 10));
  const w1 = new Date(w0.getTime() + HOUR);

  it('counts per key up to limit + 1, then stays there', async () => {
    const store = memoryStore();
    const used: number[] = [];
    for (let i = 0; i < 5; i++) used.push((await store.rateLimits.hit('user:1', w0, 3)).used);
    assert.deepEqual(used, [1, 2, 3, 4, 4]);
    assert.equal((await store.rateLimits.hit('user:2', w0, 3)).used, 1, 'another key has its own count');
    assert.equal(await store.rateLimits.peek('user:1', w0), 4);
    assert.equal(await store.rateLimits.peek('user:9', w0), 0);
  });

  it('starts over in a new window, and keeps a newer window another process already counted in', async () => {
    const store = memoryStore();
    await store.rateLimits.hit('ip:a', w0, 10);
    await store.rateLimits.hit('ip:a', w0, 10);
    assert.deepEqual(await store.rateLimits.hit('ip:a', w1, 10), { used: 1, windowStart: w1 });
    assert.deepEqual(await store.rateLimits.hit('ip:a', w0, 10), { used: 2, windowStart: w1 }, 'a late clock counts into the newer window');
    assert.equal(await store.rateLimits.peek('ip:a', w0), 2);
    assert.equal(await store.rateLimits.peek('ip:a', new Date(w1.getTime() + HOUR)), 0);
  });

  it('refunds one request of its window only, never below zero', async () => {
    const store = memoryStore();
    await store.rateLimits.hit('user:1', w0, 10);
    await store.rateLimits.hit('user:1', w0, 10);
    await store.rateLimits.refund('user:1', w0);
    assert.equal(await store.rateLimits.peek('user:1', w0), 1);
    await store.rateLimits.refund('user:1', w1);
    assert.equal(await store.rateLimits.peek('user:1', w0), 1, 'another window is left alone');
    await store.rateLimits.refund('user:1', w0);
    await store.rateLimits.refund('user:1', w0);
    assert.equal(await store.rateLimits.peek('user:1', w0), 0);
  });

  it('prunes the counts of ended windows', async () => {
    const store = memoryStore();
    await store.rateLimits.hit('old', w0, 10);
    await store.rateLimits.hit('new', w1, 10);
    assert.equal(await store.rateLimits.prune(w1), 1);
    assert.equal(await store.rateLimits.peek('old', w0), 0);
    assert.equal(await store.rateLimits.peek('new', w1), 1);
  });

  it('counting does not move the change generation (cached principals stay valid)', async () => {
    const store = memoryStore();
    const before = store.changeVersion();
    await store.rateLimits.hit('user:1', w0, 10);
    await store.rateLimits.refund('user:1', w0);
    assert.equal(store.changeVersion(), before);
    await store.users.create({ login: 'someone', email: 'someone@example.test', passwordHash: 'x', siteAdmin: false, createdAt: w0 });
    assert.notEqual(store.changeVersion(), before, 'any other write does');
  });
});
