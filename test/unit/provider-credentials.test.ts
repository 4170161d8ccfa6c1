// Parsing the Authorization header: schemes case-insensitive, Basic decoding, malformed → 401.
import * as assert from 'node:assert/strict';
import { accountTokenEmail } from '../../src/provider/auth/account-token';
import { looksLikeToken, parseAuthorization } from '../../src/provider/auth/credentials';
import { HttpError } from '../../src/provider/http/errors';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('provider Authorization parsing', () => {
  it('token / Bearer in any case', () => {
    for (const scheme of ['token', 'Token', 'TOKEN', 'Bearer', 'bearer']) {
      assert.deepEqual(parseAuthorization(`${scheme} abc`), { scheme: 'token', token: 'abc' });
    }
  });

  it('Basic in any case; the password may contain colons and non-ASCII', () => {
    assert.deepEqual(parseAuthorization(`basic ${b64('ada:pa:ss wörd')}`), { scheme: 'basic', username: 'ada', password: 'pa:ss wörd' });
    assert.deepEqual(parseAuthorization(`BASIC ${b64('x-access-token:tsp_x')}`), { scheme: 'basic', username: 'x-access-token', password: 'tsp_x' });
  });

  it('no header → undefined; malformed → 401', () => {
    assert.equal(parseAuthorization(undefined), undefined);
    for (const h of ['', 'Basic', 'Basic !!', `Basic ${b64('nocolon')}`, 'Negotiate abc', 'token a b', `Basic ${Buffer.from([0xff, 0x3a]).toString('base64')}`]) {
      assert.throws(() => parseAuthorization(h), (e: unknown) => e instanceof HttpError && e.status === 401, h);
    }
  });

  it('recognises token-shaped passwords and {email}/token usernames', () => {
    assert.ok(looksLikeToken('tsp_abc'));
    assert.ok(!looksLikeToken('hunter2'));
    assert.equal(accountTokenEmail('ada@example.test/token'), 'ada@example.test');
    assert.equal(accountTokenEmail('ada@example.test'), undefined);
  });
});
