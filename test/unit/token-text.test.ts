// How the views and webviews read a token's state from the provider's JSON: a denial's reason is
// the token's `status_reason` (blank means none given), and permission rows come from a token's
// permission set or an approval request's grant object (whose `other` holds account permissions).
import * as assert from 'node:assert/strict';
import { denialReason, permissionEntries, stateText } from '../../src/shared/token-text';
import type { TokenJson } from '../../src/shared/api-types';

const denied: TokenJson = {
  id: 1, kind: 'fine_grained', name: 't', description: null, token_last_eight: 'abcdefgh', status: 'denied', status_reason: 'use read-only access',
  expires_at: null, created_at: '2030-01-01T00:00:00Z', updated_at: '2030-01-01T00:00:00Z', last_used_at: null, url: 'https://p.test/api/v3/user/personal-access-tokens/1',
};

describe('shared: token texts from the provider JSON', () => {
  it("takes a denial's reason from status_reason, and none from a blank one", () => {
    assert.equal(denialReason(denied), 'use read-only access');
    assert.equal(stateText(denied, Date.now()), 'denied: use read-only access');
    assert.equal(denialReason({ status_reason: '   ' }), undefined);
    assert.equal(denialReason({ status_reason: null }), undefined);
    assert.equal(stateText({ ...denied, status_reason: null }, Date.now()), 'denied');
  });

  it('lists permission rows of a permission set and of a grant object', () => {
    assert.deepEqual(permissionEntries({ repository: { contents: 'write' }, account: { emails: 'read' } }), [
      { group: 'repository', name: 'contents', level: 'write' },
      { group: 'account', name: 'emails', level: 'read' },
    ]);
    assert.deepEqual(permissionEntries({ organization: { members: 'read' }, repository: {}, other: { emails: 'read' } }), [
      { group: 'organization', name: 'members', level: 'read' },
      { group: 'account', name: 'emails', level: 'read' },
    ]);
    assert.deepEqual(permissionEntries(undefined), []);
  });
});
