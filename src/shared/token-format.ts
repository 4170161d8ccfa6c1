// Token format: prefix + 30 random base62 characters + 6 base62 characters of CRC32 over the
// random part. The checksum lets anyone reject a mistyped or forged token without a look-up.
import * as crypto from 'node:crypto';
import { crc32 } from 'node:zlib';
import { equalInConstantTime } from './constant-time';
import { TOKEN_PREFIXES, type TokenKind } from './token-kinds';

export { TOKEN_PREFIXES, type TokenKind };

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
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
  for (let i = 0; i < RANDOM_LEN; i++) random += BASE62[crypto.randomInt(62)];
  return TOKEN_PREFIXES[kind] + random + checksum(random);
}

function kindOfPrefixLetter(c: number): TokenKind | undefined {
  // TOKEN_PREFIXES: tsp_ / tsf_ / tsa_
  return c === 112 /* p */ ? 'classic' : c === 102 /* f */ ? 'fine_grained' : c === 97 /* a */ ? 'account' : undefined;
}

function isBase62Code(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * The kind a token's shape says (prefix, length, base62), checksum not checked; undefined when
 * the shape is wrong. Allocates nothing.
 */
function tokenKindByShape(token: string): TokenKind | undefined {
  if (typeof token !== 'string' || token.length !== TOKEN_LENGTH) return undefined;
  if (token.charCodeAt(0) !== 116 /* t */ || token.charCodeAt(1) !== 115 /* s */ || token.charCodeAt(3) !== 95 /* _ */) return undefined;
  const kind = kindOfPrefixLetter(token.charCodeAt(2));
  if (!kind) return undefined;
  for (let i = 4; i < TOKEN_LENGTH; i++) if (!isBase62Code(token.charCodeAt(i))) return undefined;
  return kind;
}

/**
 * Whether the last six characters are the CRC32 of the random part (for a token of the right
 * shape). The comparison looks at all six characters whatever they are.
 */
function hasValidChecksum(token: string): boolean {
  return equalInConstantTime(checksum(token.slice(4, 4 + RANDOM_LEN)), token.slice(4 + RANDOM_LEN, 4 + RANDOM_LEN + CHECKSUM_LEN));
}

/**
 * The token's kind when its shape and checksum are right; undefined otherwise. On the hot path of
 * token-authenticated requests, so it allocates little: no regexps, no Buffers.
 */
export function parseToken(token: string): TokenKind | undefined {
  const kind = tokenKindByShape(token);
  return kind && hasValidChecksum(token) ? kind : undefined;
}

// crypto.hash (Node >= 20.12 / 21.7) is one native call with no Hash object; older runtimes (an
// extension host on an older Node) fall back to createHash. Same digest either way.
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, outputEncoding: 'hex') => string }).hash;

/** Hex SHA-256 of the token (UTF-8). */
export function tokenDigest(token: string): string {
  return oneShotHash ? oneShotHash('sha256', token, 'hex') : crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

export function lastEight(token: string): string {
  return token.slice(-8);
}

/** Matches token-shaped strings, for redacting logs. */
const TOKEN_PATTERN = /\bts[pfa]_[0-9A-Za-z]{36}\b/g;

export function redactTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, (t) => `${t.slice(0, 4)}…[redacted]`);
}
