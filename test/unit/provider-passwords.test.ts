// scrypt password hashes: parameters stored with the hash, verification, rehash detection; the
// provider's hasher runs a bounded number of them at once.
import * as assert from 'node:assert/strict';
import { boundedPasswordHasher, DEFAULT_SCRYPT, defaultHashConcurrency, hashPassword, needsRehash, paddingLanes, verifyPassword } from '../../src/provider/auth/passwords';
import { Semaphore } from '../../src/provider/semaphore';

const CHEAP = { N: 2 ** 10, r: 8, p: 1, keyLength: 32 };

describe('provider passwords (scrypt)', () => {
  it("defaults to OWASP's minimum (N = 2^15, r = 8, p = 3) and stores its parameters and a per-hash salt", async () => {
    assert.ok(DEFAULT_SCRYPT.N >= 2 ** 15 && DEFAULT_SCRYPT.r >= 8 && DEFAULT_SCRYPT.p >= 3);
    const h = await hashPassword('correct horse');
    assert.match(h, /^scrypt\$32768\$8\$3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.equal(await verifyPassword('correct horse', h), true);
    assert.notEqual(await hashPassword('correct horse'), h, 'salted');
  });

  it('verifies with the stored parameters; a wrong password or a malformed hash is false', async () => {
    const h = await hashPassword('pässwörd', CHEAP);
    assert.equal(await verifyPassword('pässwörd', h), true);
    assert.equal(await verifyPassword('pässwörd'.normalize('NFD'), h), true, 'Unicode-normalized');
    assert.equal(await verifyPassword('passwort', h), false);
    assert.equal(await verifyPassword('x', 'md5$abc'), false);
    assert.equal(await verifyPassword('x'.repeat(2000), h), false);
  });

  it('pads a verification to the current cost: a weaker stored hash, a malformed one or an overlong password costs what an unknown login costs', async () => {
    const current = { ...CHEAP, p: 3 };
    assert.equal(paddingLanes('pw', await hashPassword('pw', current), current), 0, 'a current hash needs no padding');
    assert.equal(paddingLanes('pw', await hashPassword('pw', CHEAP), current), 2, 'p = 1 stored, p = 3 current: two more lanes');
    assert.equal(paddingLanes('pw', await hashPassword('pw', { ...CHEAP, N: 2 ** 9 }), current), 3, 'half the N: 2.5 lanes short, rounded up');
    assert.equal(paddingLanes('pw', await hashPassword('pw', { ...CHEAP, N: 2 ** 11, p: 2 }), current), 0, 'a stronger hash needs none');
    assert.equal(paddingLanes('pw', 'md5$abc', current), 3, 'malformed: no scrypt ran');
    assert.equal(paddingLanes('x'.repeat(2000), await hashPassword('pw', current), current), 3, 'too long to hash: no scrypt ran');
    const hasher = boundedPasswordHasher({ params: current });
    assert.equal(await hasher.verify('pw', await hashPassword('pw', CHEAP)), true, 'a padded verification still answers');
    assert.equal(await hasher.verify('px', await hashPassword('pw', CHEAP)), false);
  });

  it('says when a stored hash is weaker than the current parameters', async () => {
    assert.equal(needsRehash(await hashPassword('a', CHEAP)), true);
    assert.equal(needsRehash(await hashPassword('a')), false);
    assert.equal(needsRehash('garbage'), true);
    assert.equal(needsRehash(await hashPassword('a', { ...DEFAULT_SCRYPT, p: 1 })), true, 'p below the default');
  });

  it("the bounded hasher says when a stored hash is weaker than its own parameters", async () => {
    const hasher = boundedPasswordHasher({ params: { ...CHEAP, p: 3 } });
    assert.equal(hasher.needsRehash(await hashPassword('a', CHEAP)), true);
    assert.equal(hasher.needsRehash(await hasher.hash('a')), false);
    assert.equal(hasher.needsRehash(await hashPassword('a', { ...CHEAP, N: 2 ** 11, p: 3 })), false, 'stronger is kept');
    assert.equal(hasher.needsRehash('garbage'), true);
  });

  it('the bounded hasher runs hashes and verifications (the unknown-login one too) through its slots, two at a time', async () => {
    assert.ok(defaultHashConcurrency() >= 2);
    const slots = new Semaphore(2);
    const hasher = boundedPasswordHasher({ slots, params: CHEAP });
    const stored = await hasher.hash('right password');
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, slots.running)), 0);
    try {
      const work = [
        ...Array.from({ length: 6 }, (_, i) => hasher.verify(i === 5 ? 'right password' : `wrong ${i}`, stored)),
        hasher.hash('another password'),
        hasher.verifyUnknown('a guess'),
      ];
      const queued = slots.queued;
      const results = await Promise.all(work);
      assert.ok(queued >= 5, `the others waited (${queued})`);
      assert.deepEqual(results.slice(0, 6), [false, false, false, false, false, true]);
      assert.match(String(results[6]), /^scrypt\$/);
      assert.equal(results[7], false);
    } finally {
      clearInterval(watch);
    }
    assert.ok(peak <= 2, `at most two at once (${peak})`);
    assert.equal(slots.running + slots.queued, 0, 'every slot given back');
    assert.equal(await hasher.verify('x', 'md5$abc'), false);
    await assert.rejects(slots.run(async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(slots.running, 0, 'a task that throws gives its slot back');
  });
});
