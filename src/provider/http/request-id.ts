// Request ids in GitHub's X-GitHub-Request-Id format (five colon-separated groups of upper-case
// hex, e.g. `1F2E:3D4C:5B6A79:887766:55443322`), random so they are unique across processes. The
// random digits come from randomUUID, which draws on a buffer of entropy instead of asking the
// system for a few bytes on every request (an id needs to be unique, not secret).
import { randomUUID } from 'node:crypto';

const GROUPS = [4, 4, 6, 6, 8];
const HEX_DIGITS = GROUPS.reduce((a, b) => a + b, 0);

export function newRequestId(): string {
  // A v4 UUID without its version digit (the 13th, always 4): 31 hex digits, 30 of them wholly random.
  const uuid = randomUUID().replace(/-/g, '');
  const hex = (uuid.slice(0, 12) + uuid.slice(13)).slice(0, HEX_DIGITS).toUpperCase();
  const parts: string[] = [];
  let at = 0;
  for (const n of GROUPS) {
    parts.push(hex.slice(at, at + n));
    at += n;
  }
  return parts.join(':');
}

export const REQUEST_ID_PATTERN = /^[0-9A-F]{4}:[0-9A-F]{4}:[0-9A-F]{6}:[0-9A-F]{6}:[0-9A-F]{8}$/;
