// scrypt password hashes: parameters stored with the hash, verification, rehash detection.
import * as assert from 'node:assert/strict';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, verifyPassword } from '../../src/provider/auth/passwords';

const CHEAP = { N: 2 ** 10, r: 8, p: 1, keyLength: 32 };

describe('provider passwords (scrypt)', () => {
  it('defaults to N >= 2^15 and stores its parameters and a per-hash salt', async () => {
    assert.ok(DEFAULT_SCRYPT.N >= 2 ** 15);
    const h = await hashPassword('correct horse');
    assert.match(h, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
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

  it('says when a stored hash is weaker than the current parameters', async () => {
    assert.equal(needsRehash(await hashPassword('a', CHEAP)), true);
    assert.equal(needsRehash(await hashPassword('a')), false);
    assert.equal(needsRehash('garbage'), true);
  });
});
