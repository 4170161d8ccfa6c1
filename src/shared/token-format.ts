// Token format: prefix + 30 random base62 characters + 6 base62 characters of CRC32 over the
// random part. The checksum lets anyone reject a mistyped or forged token without a look-up.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const TOKEN_PREFIXES = { classic: 'tsp_', fine_grained: 'tsf_', account: 'tsa_' } as const;
export type TokenKind = keyof typeof TOKEN_PREFIXES;
const RANDOM_LEN = 30;
const CHECKSUM_LEN = 6;
export const TOKEN_LENGTH = 4 + RANDOM_LEN + CHECKSUM_LEN;

export function base62(n: number, width: number): string {
  let s = '';
  let v = n;
  while (v > 0) {
    s = BASE62[v % 62] + s;
    v = Math.floor(v / 62);
  }
  return s.padStart(width, '0');
}

export function checksum(random: string): string {
  return base62(crc32(random) >>> 0, CHECKSUM_LEN);
}

export function generateToken(kind: TokenKind): string {
  let random = '';
  for (let i = 0; i < RANDOM_LEN; i++) random += BASE62[randomInt(62)];
  return TOKEN_PREFIXES[kind] + random + checksum(random);
}

/** The token's kind when its shape and checksum are right; undefined otherwise. */
export function parseToken(token: string): TokenKind | undefined {
  if (typeof token !== 'string' || token.length !== TOKEN_LENGTH) return undefined;
  const kind = (Object.keys(TOKEN_PREFIXES) as TokenKind[]).find((k) => token.startsWith(TOKEN_PREFIXES[k]));
  if (!kind) return undefined;
  const random = token.slice(4, 4 + RANDOM_LEN);
  const sum = token.slice(4 + RANDOM_LEN);
  if (!/^[0-9A-Za-z]+$/.test(random + sum)) return undefined;
  const expected = Buffer.from(checksum(random));
  const actual = Buffer.from(sum);
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? kind : undefined;
}

export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function lastEight(token: string): string {
  return token.slice(-8);
}

/** Matches token-shaped strings, for redacting logs. */
export const TOKEN_PATTERN = /\bts[pfa]_[0-9A-Za-z]{36}\b/g;

export function redactTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, (t) => `${t.slice(0, 4)}…[redacted]`);
}
