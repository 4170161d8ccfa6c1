// Request ids in GitHub's X-GitHub-Request-Id format (five colon-separated groups of upper-case
// hex, e.g. `1F2E:3D4C:5B6A79:887766:55443322`), random so they are unique across processes.
import { randomBytes } from 'node:crypto';

const GROUPS = [4, 4, 6, 6, 8];
const HEX_DIGITS = GROUPS.reduce((a, b) => a + b, 0);

export function newRequestId(): string {
  const hex = randomBytes(HEX_DIGITS / 2).toString('hex').toUpperCase();
  const parts: string[] = [];
  let at = 0;
  for (const n of GROUPS) {
    parts.push(hex.slice(at, at + n));
    at += n;
  }
  return parts.join(':');
}

export const REQUEST_ID_PATTERN = /^[0-9A-F]{4}:[0-9A-F]{4}:[0-9A-F]{6}:[0-9A-F]{6}:[0-9A-F]{8}$/;
