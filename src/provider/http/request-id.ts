// Request ids in GitHub's X-GitHub-Request-Id format (five colon-separated groups of upper-case
// hex, e.g. `1F2E:3D4C:5B6A79:887766:55443322`), random so they are unique across processes. The
// 14 random bytes of an id come from a pool of entropy filled a few hundred ids at a time instead
// of asking the system on every request (an id needs to be unique, not secret), and are written
// out through a table of upper-case hex pairs (no UUID to cut up and upper-case per request).
import { randomFillSync } from 'node:crypto';

const ID_BYTES = 14;
const POOL = Buffer.alloc(ID_BYTES * 256);
let taken = POOL.length;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

export function newRequestId(): string {
  if (taken === POOL.length) {
    randomFillSync(POOL);
    taken = 0;
  }
  const b = POOL;
  const i = taken;
  taken += ID_BYTES;
  return (
    HEX[b[i]] + HEX[b[i + 1]] + ':' +
    HEX[b[i + 2]] + HEX[b[i + 3]] + ':' +
    HEX[b[i + 4]] + HEX[b[i + 5]] + HEX[b[i + 6]] + ':' +
    HEX[b[i + 7]] + HEX[b[i + 8]] + HEX[b[i + 9]] + ':' +
    HEX[b[i + 10]] + HEX[b[i + 11]] + HEX[b[i + 12]] + HEX[b[i + 13]]
  );
}

export const REQUEST_ID_PATTERN = /^[0-9A-F]{4}:[0-9A-F]{4}:[0-9A-F]{6}:[0-9A-F]{6}:[0-9A-F]{8}$/;
