// The data key's cipher (src/provider/secrets/secret-box.ts): AES-256-GCM, versioned, bound to
// what each value is for; anything altered, moved or opened under another key is refused.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { dataKeyId, SecretBox, SecretBoxError } from '../../src/provider/secrets/secret-box';

describe('secret box (data key cipher)', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);

  it('seals to a versioned value that does not contain the plaintext and opens it again', () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const sealed = box.seal(secret, 'two_factor.secret:1');
    assert.match(sealed, /^v1:[A-Za-z0-9_-]+$/);
    assert.ok(!sealed.includes(secret));
    assert.ok(SecretBox.isSealed(sealed) && !SecretBox.isSealed(secret));
    assert.notEqual(box.seal(secret, 'two_factor.secret:1'), sealed, 'a fresh nonce every time');
    assert.equal(box.open(sealed, 'two_factor.secret:1'), secret);
  });

  it('refuses a value for another row, under another key, altered, truncated or in clear', () => {
    const sealed = box.seal('SECRET', 'two_factor.secret:1');
    assert.throws(() => box.open(sealed, 'two_factor.secret:2'), SecretBoxError);
    assert.throws(() => new SecretBox(randomBytes(32)).open(sealed, 'two_factor.secret:1'), SecretBoxError);
    const body = Buffer.from(sealed.slice(3), 'base64url');
    body[20] ^= 1;
    assert.throws(() => box.open(`v1:${body.toString('base64url')}`, 'two_factor.secret:1'), SecretBoxError);
    assert.throws(() => box.open('v1:AAAA', 'two_factor.secret:1'), /truncated/);
    assert.throws(() => box.open('SECRET', 'two_factor.secret:1'), /not encrypted/);
  });

  it('takes only 32-byte keys and names a key by an id that is not the key', () => {
    assert.throws(() => new SecretBox(randomBytes(16)), /32 bytes/);
    assert.equal(box.keyId, dataKeyId(key));
    assert.match(box.keyId, /^[0-9a-f]{32}$/);
    assert.ok(!key.toString('hex').includes(box.keyId));
    assert.notEqual(new SecretBox(randomBytes(32)).keyId, box.keyId);
  });
});
