// The secrets of a device authorization: the device code (40 hex characters, the device's proof),
// the user code (what the person types, ../../shared/user-code.ts) and the sign-in page's
// confirmation ticket. Stored only as SHA-256 digests.
import { randomBytes, randomInt } from 'node:crypto';
import { tokenDigest } from '../../shared/token-format';
import { USER_CODE_ALPHABET } from '../../shared/user-code';

export function newDeviceCode(): string {
  return randomBytes(20).toString('hex');
}

export function newUserCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

export function newTicket(): string {
  return randomBytes(24).toString('base64url');
}

/** SHA-256 (hex) of a device code, canonical user code or ticket. */
export function codeDigest(code: string): string {
  return tokenDigest(code);
}
