// Which organizations a caller's credentials may see at all (their memberships, GET /user/orgs):
// the one predicate both the membership reads and the organization listing use.
import * as assert from 'node:assert/strict';
import type { Principal } from '../../src/provider/auth/principal';
import { tokenMaySeeOrg } from '../../src/provider/orgs/organization-listing';

function principal(over: { method?: string; orgId?: number; token?: Record<string, unknown> }): Principal {
  return { user: { id: 1, login: 'ada' }, method: 'token', freshProof: false, ...over } as unknown as Principal;
}

describe('tokenMaySeeOrg', () => {
  it('a password or classic token sees every org', () => {
    assert.equal(tokenMaySeeOrg(principal({ method: 'password' }), 5), true);
    assert.equal(tokenMaySeeOrg(principal({ token: { kind: 'classic' } }), 5), true);
  });

  it('a fine-grained token sees only the org it acts for', () => {
    const forAcme = principal({ token: { kind: 'fine_grained', resourceOwnerType: 'Organization', resourceOwnerId: 5 } });
    assert.equal(tokenMaySeeOrg(forAcme, 5), true);
    assert.equal(tokenMaySeeOrg(forAcme, 6), false);
    const forUser = principal({ token: { kind: 'fine_grained', resourceOwnerType: 'User', resourceOwnerId: 5 } });
    assert.equal(tokenMaySeeOrg(forUser, 5), false, 'a user with the same id is not the org');
  });

  it('an account token sees only its own org', () => {
    const account = principal({ method: 'account-token', orgId: 5, token: { kind: 'account' } });
    assert.equal(tokenMaySeeOrg(account, 5), true);
    assert.equal(tokenMaySeeOrg(account, 6), false);
  });
});
