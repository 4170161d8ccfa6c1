// Ten single-use recovery codes (`xxxxx-xxxxx`, hex), given once at enable time and stored as
// SHA-256 digests (they carry 40 random bits each plus the lockout, so a fast digest is enough).
import { createHash, randomBytes } from 'node:crypto';

const RECOVERY_CODE_COUNT = 10;

export function newRecoveryCodes(): string[] {
  const out: string[] = [];
  while (out.length < RECOVERY_CODE_COUNT) {
    const hex = randomBytes(5).toString('hex');
    const code = `${hex.slice(0, 5)}-${hex.slice(5)}`;
    if (!out.includes(code)) out.push(code);
  }
  return out;
}

function normalizeRecoveryCode(code: string): string {
  return code.trim().toLowerCase().replace(/\s+/g, '');
}

export function isRecoveryCodeShaped(code: string): boolean {
  return /^[0-9a-f]{5}-?[0-9a-f]{5}$/.test(normalizeRecoveryCode(code));
}

export function recoveryCodeDigest(code: string): string {
  let c = normalizeRecoveryCode(code);
  if (!c.includes('-')) c = `${c.slice(0, 5)}-${c.slice(5)}`;
  return createHash('sha256').update(c, 'utf8').digest('hex');
}
