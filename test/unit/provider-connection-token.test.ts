// The token a connection presented last (src/provider/auth/connection-token.ts): reused only for the
// same token on the same connection, never for another token or another connection.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { connectionTokens, presentToken } from '../../src/provider/auth/connection-token';
import { equalInConstantTime } from '../../src/shared/constant-time';
import { generateToken, tokenDigest } from '../../src/shared/token-format';

describe('provider connection tokens', () => {
  it('presents a token as its kind and digest, and nothing without a token’s shape', () => {
    const classic = generateToken('classic');
    const presented = presentToken(classic);
    assert.equal(presented?.kind, 'classic');
    assert.equal(presented?.digest, tokenDigest(classic));
    assert.deepEqual(presented?.digestBytes, Buffer.from(tokenDigest(classic), 'hex'));
    assert.equal(presentToken(generateToken('fine_grained'))?.kind, 'fine_grained');
    assert.equal(presentToken('not-a-token'), undefined);
    assert.equal(presentToken(classic.slice(1)), undefined);
  });

  it('hashes a connection’s token once while it presents the same one, and every other token anew', () => {
    const tokens = connectionTokens();
    const [a, b] = [generateToken('classic'), generateToken('classic')];
    const connection = {};
    const first = tokens.presented(connection, a);
    // The same token on the same connection: the very same object, so nothing was hashed again.
    assert.equal(tokens.presented(connection, `${a}`), first);
    assert.equal(first?.digest, tokenDigest(a));

    const other = tokens.presented(connection, b);
    assert.equal(other?.digest, tokenDigest(b), 'another token on the same connection is its own');
    const again = tokens.presented(connection, a);
    assert.equal(again?.digest, tokenDigest(a));
    assert.notEqual(again, first, 'only the last token is remembered');

    const elsewhere = tokens.presented({}, a);
    assert.equal(elsewhere?.digest, tokenDigest(a));
    assert.notEqual(elsewhere, again, 'another connection does not share it');

    assert.equal(tokens.presented(connection, 'garbage'), undefined);
    const afterGarbage = tokens.presented(connection, a);
    assert.notEqual(afterGarbage, again, 'a non-token forgets what the connection presented');
    assert.equal(afterGarbage?.digest, tokenDigest(a));

    // One character off (same length): never the remembered token's digest.
    const near = `${a.slice(0, -1)}${a.endsWith('A') ? 'B' : 'A'}`;
    assert.equal(tokens.presented(connection, near)?.digest, tokenDigest(near));
  });

  it('compares strings exactly as === does (property)', () => {
    const sameLength = fc.integer({ min: 0, max: 60 }).chain((n) => fc.tuple(fc.string({ minLength: n, maxLength: n }), fc.string({ minLength: n, maxLength: n })));
    fc.assert(fc.property(fc.oneof(sameLength, fc.tuple(fc.string(), fc.string())), ([x, y]) => equalInConstantTime(x, y) === (x === y)));
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (x) => equalInConstantTime(x, `${x}`)));
  });
});
