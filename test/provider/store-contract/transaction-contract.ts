// Store contract: transactions commit together or not at all, nest, and never interleave with
// other work on the store, whatever the timing between their calls.
import * as assert from 'node:assert/strict';
import { UniqueViolation } from '../../../src/provider/store/errors';
import { at, makeToken, makeUser, StoreFactory, T0, withStore, yieldTurn } from './fixtures';
import { uniqueName } from '../../builders/unique-name';

export function transactionContract(makeStore: StoreFactory): void {
  describe('transactions', () => {
    const s = withStore(makeStore);

    it("commits every write made through tx together and returns fn's value", async () => {
      const u = await makeUser(s.store);
      const made = await s.store.transaction(async (tx) => {
        const t = await makeToken(tx, u.id);
        await yieldTurn();
        await tx.tokens.update(t.id, { note: 'renamed', updatedAt: at(1) });
        await tx.users.update(u.id, { name: 'In tx', updatedAt: at(1) });
        return t.id;
      });
      assert.equal((await s.store.tokens.byId(made))?.note, 'renamed');
      assert.equal((await s.store.users.byId(u.id))?.name, 'In tx');
    });

    it("rolls back every write when fn rejects, and passes the rejection on (a store error keeps its type)", async () => {
      const u = await makeUser(s.store);
      const taken = await makeUser(s.store);
      const boom = new Error('boom');
      await assert.rejects(
        s.store.transaction(async (tx) => {
          await tx.users.update(u.id, { name: 'lost', updatedAt: at(1) });
          await makeToken(tx, u.id);
          await yieldTurn();
          throw boom;
        }),
        (e) => e === boom,
      );
      await assert.rejects(
        s.store.transaction(async (tx) => {
          await tx.users.update(u.id, { name: 'lost too', updatedAt: at(1) });
          await tx.users.update(u.id, { email: taken.email, updatedAt: at(2) });
        }),
        (e: unknown) => e instanceof UniqueViolation && e.field === 'email',
      );
      assert.equal((await s.store.users.byId(u.id))?.name, null);
      assert.equal(await s.store.tokens.count({ userId: u.id }), 0);
    });

    it('a nested transaction rolls back alone when its fn rejects', async () => {
      const u = await makeUser(s.store);
      await s.store.transaction(async (tx) => {
        await tx.users.update(u.id, { name: 'outer', updatedAt: at(1) });
        await assert.rejects(
          tx.transaction(async (inner) => {
            await makeToken(inner, u.id);
            throw new Error('inner');
          }),
          /inner/,
        );
        await tx.transaction(async (inner) => {
          await makeToken(inner, u.id, { note: 'kept' });
        });
      });
      assert.equal((await s.store.users.byId(u.id))?.name, 'outer');
      assert.deepEqual((await s.store.tokens.list({ userId: u.id })).map((t) => t.note), ['kept']);
    });

    it('work outside an open transaction neither sees its writes nor joins it, and is not lost when it rolls back', async () => {
      const u = await makeUser(s.store);
      let inside!: () => void;
      const wrote = new Promise<void>((resolve) => (inside = resolve));
      let finish!: () => void;
      const finishing = new Promise<void>((resolve) => (finish = resolve));
      const tx = s.store.transaction(async (t) => {
        await t.users.update(u.id, { name: 'uncommitted', updatedAt: at(1) });
        inside();
        await finishing;
        throw new Error('roll back');
      });
      await wrote;
      const read = s.store.users.byId(u.id);
      const outsideLogin = uniqueName('outside');
      const write = s.store.users.create({ login: outsideLogin, email: `${outsideLogin}@example.test`, passwordHash: 'h', siteAdmin: false, createdAt: T0 });
      const touch = makeToken(s.store, u.id);
      await yieldTurn();
      finish();
      await assert.rejects(tx, /roll back/);
      assert.notEqual((await read)?.name, 'uncommitted', 'an outside read never sees uncommitted data');
      await write;
      await touch;
      assert.ok(await s.store.users.byLogin(outsideLogin), 'the outside write survived the rollback');
      assert.equal(await s.store.tokens.count({ userId: u.id }), 1);
      assert.equal((await s.store.users.byId(u.id))?.name, null);
    });

    it('concurrent read-modify-write transactions lose no update', async () => {
      const u = await makeUser(s.store);
      const t = await makeToken(s.store, u.id, { note: '0' });
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          s.store.transaction(async (tx) => {
            const now = await tx.tokens.byId(t.id);
            if (i % 2) await yieldTurn();
            await tx.tokens.update(t.id, { note: String(Number(now!.note) + 1), updatedAt: at(i) });
          }),
        ),
      );
      assert.equal((await s.store.tokens.byId(t.id))?.note, '12');
    });

    it('transactions mixed with outside writes under load: every write lands once, none is lost', async () => {
      const u = await makeUser(s.store);
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 20; i++) {
        work.push(
          s.store.transaction(async (tx) => {
            await makeToken(tx, u.id, { note: `tx${i}a` });
            await yieldTurn();
            await makeToken(tx, u.id, { note: `tx${i}b` });
            if (i % 5 === 0) throw new Error('rolled back');
          }).catch(() => undefined),
        );
        work.push(
          (async () => {
            for (let turns = i % 3; turns >= 0; turns--) await yieldTurn();
            await makeToken(s.store, u.id, { note: `out${i}` });
          })(),
        );
      }
      await Promise.all(work);
      const notes = new Set((await s.store.tokens.list({ userId: u.id })).map((t) => t.note));
      assert.equal(notes.size, 20 + 2 * 16);
      for (let i = 0; i < 20; i++) {
        assert.ok(notes.has(`out${i}`));
        assert.equal(notes.has(`tx${i}a`), i % 5 !== 0);
        assert.equal(notes.has(`tx${i}b`), i % 5 !== 0);
      }
    });

    it("a transaction's store cannot be used once it has ended", async () => {
      const u = await makeUser(s.store);
      let kept: Parameters<Parameters<typeof s.store.transaction>[0]>[0] | undefined;
      await s.store.transaction(async (tx) => {
        kept = tx;
      });
      await assert.rejects(kept!.users.byId(u.id));
      await assert.rejects(kept!.transaction(async () => undefined));
    });

    it('runExclusive runs a job once at a time: a second run of it meanwhile answers undefined without running', async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let runs = 0;
      let running!: () => void;
      const started = new Promise<void>((r) => (running = r));
      const first = s.store.runExclusive('contract-job', async () => {
        runs++;
        running();
        await held;
        return 'first';
      });
      await started; // the first run holds the job (on PostgreSQL its lock is taken before it runs)
      assert.equal(await s.store.runExclusive('contract-job', async () => ++runs), undefined);
      assert.equal(await s.store.runExclusive('another-job', async () => 'other'), 'other', 'another job is not held back');
      release();
      assert.equal(await first, 'first');
      assert.equal(runs, 1);
      assert.equal(await s.store.runExclusive('contract-job', async () => 'again'), 'again', 'free once the first ended');
      await assert.rejects(
        s.store.runExclusive('contract-job', async () => {
          throw new Error('job failed');
        }),
        /job failed/,
      );
      assert.equal(await s.store.runExclusive('contract-job', async () => 'after a failure'), 'after a failure');
    });
  });
}
