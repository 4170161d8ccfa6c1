// Store contract: the API rate-limit counters — one atomic count per key and window, capped at
// limit + 1 under any concurrency, blocks of counts each given out once, a new window starting over, refunds, peeks and pruning; and
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

    it('reserves a block of counts: as many as the limit leaves, then marks it spent', async () => {
      const hits = [];
      for (let i = 0; i < 5; i++) hits.push(await s.store.rateLimits.hit('user:b', w0, 10, 4));
      assert.deepEqual(hits.map((h) => [h.used, h.granted]), [[4, 4], [8, 4], [10, 2], [11, 0], [11, 0]]);
      assert.equal(await s.store.rateLimits.peek('user:b', w0), 11);
      const fresh = await s.store.rateLimits.hit('user:b', w1, 10, 30);
      assert.deepEqual([fresh.used, fresh.granted], [10, 10], 'a new window: the block is capped at the limit');
      assert.deepEqual((await s.store.rateLimits.hit('user:c', w0, 10)).granted, 1, 'one unit by default');
    });

    it('gives each count out once under a parallel burst of blocks: 30 blocks of 3 with limit 50', async () => {
      const hits = await Promise.all(Array.from({ length: 30 }, () => s.store.rateLimits.hit('ip:blocks', w0, 50, 3)));
      const given = hits.flatMap((h) => Array.from({ length: h.granted }, (_, i) => h.used - h.granted + 1 + i)).sort((a, b) => a - b);
      assert.deepEqual(given, Array.from({ length: 50 }, (_, i) => i + 1));
      assert.equal(await s.store.rateLimits.peek('ip:blocks', w0), 51);
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
