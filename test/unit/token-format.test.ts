// The token format: prefix + 30 random base62 characters + 6 base62 characters of CRC32.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { crc32 } from 'node:zlib';
import {
  BASE62, base62, checksum, generateToken, lastEight, parseToken, redactTokens, TOKEN_LENGTH, TOKEN_PREFIXES, tokenDigest, TokenKind,
} from '../../src/shared/token-format';

const KINDS = Object.keys(TOKEN_PREFIXES) as TokenKind[];
const base62Char = fc.constantFrom(...BASE62.split(''));
const randomPart = fc.array(base62Char, { minLength: 30, maxLength: 30 }).map((a) => a.join(''));

function fromBase62(s: string): number {
  return [...s].reduce((n, c) => n * 62 + BASE62.indexOf(c), 0);
}

describe('token format', () => {
  it('generated tokens have the prefix, 40 characters, base62, and parse back to their kind', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), (kind) => {
        const t = generateToken(kind);
        assert.equal(t.length, TOKEN_LENGTH);
        assert.equal(TOKEN_LENGTH, 40);
        assert.ok(t.startsWith(TOKEN_PREFIXES[kind]));
        assert.match(t.slice(4), /^[0-9A-Za-z]{36}$/);
        assert.equal(parseToken(t), kind);
      }),
      { numRuns: 300 },
    );
  });

  it('the checksum is CRC32 of the random part in base62, left-padded to 6', () => {
    fc.assert(
      fc.property(randomPart, (random) => {
        const sum = checksum(random);
        assert.equal(sum.length, 6);
        assert.equal(fromBase62(sum), crc32(random) >>> 0);
      }),
    );
    assert.equal(base62(0, 6), '000000');
    assert.equal(base62(61, 6), '00000z');
    assert.equal(base62(62, 6), '000010');
    assert.equal(fromBase62(base62(0xffffffff, 6)), 0xffffffff);
  });

  it('any token built from a random part and its checksum parses; changing one character breaks it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), randomPart, fc.nat(35), base62Char, (kind, random, pos, replacement) => {
        const token = TOKEN_PREFIXES[kind] + random + checksum(random);
        assert.equal(parseToken(token), kind);
        const i = 4 + pos;
        fc.pre(token[i] !== replacement);
        const mutated = token.slice(0, i) + replacement + token.slice(i + 1);
        // A single-character change in the random part always changes CRC32; in the checksum
        // part it no longer matches.
        assert.equal(parseToken(mutated), undefined);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses wrong prefixes, lengths and alphabets', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const kind = parseToken(s);
        if (kind !== undefined) {
          assert.equal(s.length, 40);
          assert.ok(s.startsWith(TOKEN_PREFIXES[kind]));
        }
      }),
    );
    const good = generateToken('classic');
    assert.equal(parseToken(`ghp_${good.slice(4)}`), undefined);
    assert.equal(parseToken(good.slice(0, -1)), undefined);
    assert.equal(parseToken(`${good}0`), undefined);
    assert.equal(parseToken(`${good.slice(0, 10)}-${good.slice(11)}`), undefined);
    assert.equal(parseToken(undefined as unknown as string), undefined);
  });

  it('digest is hex SHA-256; last eight are the last eight', () => {
    const t = generateToken('fine_grained');
    assert.match(tokenDigest(t), /^[0-9a-f]{64}$/);
    assert.notEqual(tokenDigest(t), tokenDigest(generateToken('fine_grained')));
    assert.equal(lastEight(t), t.slice(32));
  });

  it('redacts every token-shaped string in text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.string(), fc.string(), (kind, before, after) => {
        const t = generateToken(kind);
        const out = redactTokens(`${before} ${t} ${after}`);
        assert.ok(!out.includes(t));
      }),
    );
  });
});
