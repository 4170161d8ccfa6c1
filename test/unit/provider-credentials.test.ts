// Parsing the Authorization header: schemes case-insensitive, Basic decoding, malformed → 401.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { accountTokenEmail } from '../../src/provider/auth/account-token';
import { looksLikeToken, parseAnyAuthorization, parseAuthorization } from '../../src/provider/auth/credentials';
import { HttpError } from '../../src/provider/http/errors';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function outcome(parse: (h: string) => unknown, header: string): unknown {
  try {
    return { ok: parse(header) };
  } catch (err) {
    return { status: (err as HttpError).status, message: (err as Error).message };
  }
}

describe('provider Authorization parsing', () => {
  it('answers exactly as the general parser (one regular expression) does, fast path or not (property)', () => {
    const scheme = fc.constantFrom('token', 'Token', 'TOKEN', 'bearer', 'Bearer', 'basic', 'Basic', 'to\u212Aen', 'tokén', 'tokens', 'toke', 'beare', '', 'x');
    const gap = fc.constantFrom(' ', '  ', '\t', '\u00a0', '\u2028', '', ' \t');
    const value = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom('tsp_abc', 'abc def', 'abc ', ' abc', 'a\u00a0b', '\u007f', '~', 'YWRhOnB3', 'YWRh'),
    );
    const header = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.tuple(gap, scheme, gap, value, gap).map((p) => p.join('')), fc.tuple(scheme, value).map(([s, v]) => `${s} ${v}`));
    fc.assert(
      fc.property(header, (h) => {
        assert.deepEqual(outcome(parseAuthorization, h), outcome(parseAnyAuthorization, h), JSON.stringify(h));
      }),
      { numRuns: 5000 },
    );
  });

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
