// Store contract: the API rate-limit counters — one atomic count per key and window, capped at
// limit + 1 under any concurrency, a new window starting over, refunds, peeks and pruning; and
// counting is not a change (Store.changeVersion stays put, or every request would empty the
// principal cache).
import * as assert from 'node:assert/strict';
import { makeUser, StoreFactory, T0, withStore } from './fixtures';

const HOUR = 3_600_000;

export function rateLimitStoreContract(makeStore: StoreFactory): void {
  describe('rate-limit counters', () => {
    const s = withStore(makeStore);
    const w0 = T0;
    const w1 = new Date(T0.getTime() + HOUR);

    it('counts per key up to limit + 1, then stays there', async () => {
      const used: number[] = [];
      for (let i = 0; i < 5; i++) used.push((await s.store.rateLimits.hit('user:1', w0, 3)).used);
      assert.deepEqual(used, [1, 2, 3, 4, 4]);
      assert.equal((await s.store.rateLimits.hit('user:2', w0, 3)).used, 1, 'another key has its own count');
      assert.equal(await s.store.rateLimits.peek('user:1', w0), 4);
      assert.equal(await s.store.rateLimits.peek('user:9', w0), 0);
    });

    it('holds under a parallel burst: of 60 hits with limit 25, exactly 25 are within it', async () => {
      const counts = await Promise.all(Array.from({ length: 60 }, () => s.store.rateLimits.hit('ip:burst', w0, 25)));
      const within = counts.filter((c) => c.used <= 25).map((c) => c.used).sort((a, b) => a - b);
      assert.deepEqual(within, Array.from({ length: 25 }, (_, i) => i + 1), 'each count given out once');
      assert.equal(counts.filter((c) => c.used === 26).length, 35);
      assert.equal(await s.store.rateLimits.peek('ip:burst', w0), 26);
    });

    it('starts over in a new window, and keeps a newer window another process already counted in', async () => {
      await s.store.rateLimits.hit('ip:a', w0, 10);
      await s.store.rateLimits.hit('ip:a', w0, 10);
      const fresh = await s.store.rateLimits.hit('ip:a', w1, 10);
      assert.equal(fresh.used, 1);
      assert.equal(fresh.windowStart.getTime(), w1.getTime());
      const late = await s.store.rateLimits.hit('ip:a', w0, 10);
      assert.equal(late.used, 2, 'a late clock counts into the newer window');
      assert.equal(late.windowStart.getTime(), w1.getTime());
      assert.equal(await s.store.rateLimits.peek('ip:a', w0), 2);
      assert.equal(await s.store.rateLimits.peek('ip:a', new Date(w1.getTime() + HOUR)), 0);
    });

    it('refunds one request of its window only, never below zero', async () => {
      await s.store.rateLimits.hit('user:1', w0, 10);
      await s.store.rateLimits.hit('user:1', w0, 10);
      await s.store.rateLimits.refund('user:1', w0);
      assert.equal(await s.store.rateLimits.peek('user:1', w0), 1);
      await s.store.rateLimits.refund('user:1', w1);
      assert.equal(await s.store.rateLimits.peek('user:1', w0), 1, 'another window is left alone');
      await s.store.rateLimits.refund('user:1', w0);
      await s.store.rateLimits.refund('user:1', w0);
      assert.equal(await s.store.rateLimits.peek('user:1', w0), 0);
      await s.store.rateLimits.refund('user:none', w0);
      assert.equal(await s.store.rateLimits.peek('user:none', w0), 0);
    });

    it('prunes the counts of ended windows', async () => {
      await s.store.rateLimits.hit('old', w0, 10);
      await s.store.rateLimits.hit('new', w1, 10);
      assert.equal(await s.store.rateLimits.prune(w1), 1);
      assert.equal(await s.store.rateLimits.peek('old', w0), 0);
      assert.equal(await s.store.rateLimits.peek('new', w1), 1);
    });

    it('counting does not move the change version; any other write does', async () => {
      const before = s.store.changeVersion();
      assert.equal(typeof before, 'number');
      await s.store.rateLimits.hit('user:1', w0, 10);
      await s.store.rateLimits.hit('user:1', w0, 1);
      await s.store.rateLimits.refund('user:1', w0);
      await s.store.rateLimits.prune(w1);
      assert.equal(s.store.changeVersion(), before);
      await makeUser(s.store);
      assert.notEqual(s.store.changeVersion(), before, 'a user written moves it');
    });
  });
}
