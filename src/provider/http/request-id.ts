// Request ids in GitHub's X-GitHub-Request-Id format (five colon-separated groups of upper-case
// hex, e.g. `1F2E:3D4C:5B6A79:887766:55443322`), random so they are unique across processes. The
// random digits come from randomUUID, which draws on a buffer of entropy instead of asking the
// system for a few bytes on every request (an id needs to be unique, not secret).
import { randomUUID } from 'node:crypto';

export function newRequestId(): string {
  // A v4 UUID (xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx) has 30 wholly random hex digits: all but the
  // dashes, the version digit (4) and the variant digit (V). The id takes 28 of them.
  const u = randomUUID();
  const hex = u.slice(0, 8) + u.slice(9, 13) + u.slice(15, 18) + u.slice(20, 23) + u.slice(24, 36);
  return `${hex.slice(0, 4)}:${hex.slice(4, 8)}:${hex.slice(8, 14)}:${hex.slice(14, 20)}:${hex.slice(20, 28)}`.toUpperCase();
}

export const REQUEST_ID_PATTERN = /^[0-9A-F]{4}:[0-9A-F]{4}:[0-9A-F]{6}:[0-9A-F]{6}:[0-9A-F]{8}$/;
