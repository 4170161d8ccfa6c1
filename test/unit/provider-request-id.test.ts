// X-GitHub-Request-Id values: GitHub's format, unique, and every digit random (none fixed by the
// UUID they are cut from).
import * as assert from 'node:assert/strict';
import { newRequestId, REQUEST_ID_PATTERN } from '../../src/provider/http/request-id';

describe('provider request ids', () => {
  it("are in GitHub's format, unique, and no digit is fixed", () => {
    const ids = Array.from({ length: 5_000 }, () => newRequestId());
    for (const id of ids) assert.match(id, REQUEST_ID_PATTERN);
    assert.equal(new Set(ids).size, ids.length);
    const digits = ids.map((id) => id.replace(/:/g, ''));
    for (let at = 0; at < digits[0].length; at++) {
      const seen = new Set(digits.map((d) => d[at]));
      assert.equal(seen.size, 16, `digit ${at} takes all 16 values (it took ${[...seen].sort().join('')})`);
    }
  });
});
