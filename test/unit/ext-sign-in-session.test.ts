// An account's sign-in as a session of the 'tessera' authentication provider
// (src/extension/auth/sign-in-session.ts): what VS Code's Accounts menu is told on sign-in/out.
import * as assert from 'node:assert/strict';
import type { AccountSecrets } from '../../src/extension/accounts/account-secrets';
import { diffSignInSessions, signInSession, signInSessionId } from '../../src/extension/auth/sign-in-session';

function secrets(userId: number, adminTokenId: number): AccountSecrets {
  return {
    v: 1,
    account: { providerOrigin: 'https://127.0.0.1:47443', userId, login: `u${userId}`, twoFactorEnabled: false },
    admin: { tokenId: adminTokenId, token: `tsp_admin${adminTokenId}`, createdAt: '' },
    sessions: [],
    tokens: [],
  };
}

const byId = (...list: ReturnType<typeof signInSession>[]) => new Map(list.map((s) => [s.id, s]));

describe('extension: the sign-in session', () => {
  it('is the admin token with the sign-in scopes, its id naming the account and the token', () => {
    const s = signInSession('https://127.0.0.1:47443#7', 'u7', secrets(7, 42));
    assert.equal(s.id, 'https://127.0.0.1:47443#7/42');
    assert.equal(s.id, signInSessionId('https://127.0.0.1:47443#7', secrets(7, 42)));
    assert.deepEqual(s.account, { id: 'https://127.0.0.1:47443#7', label: 'u7' });
    assert.deepEqual([...s.scopes].sort(), ['admin:token', 'delete_repo', 'repo', 'user']);
  });

  it('diffs sign-in, sign-out, a new sign-in token and a new label', () => {
    const a1 = signInSession('A', 'alice', secrets(1, 10));
    const a2 = signInSession('A', 'alice', secrets(1, 11)); // signed in again: a new admin token
    const b = signInSession('B', 'bob', secrets(2, 20));
    const bRenamed = signInSession('B', 'bobby', secrets(2, 20));
    assert.deepEqual(diffSignInSessions(byId(), byId(a1)), { added: [a1], removed: [], changed: [] });
    assert.deepEqual(diffSignInSessions(byId(a1, b), byId(b)), { added: [], removed: [a1], changed: [] });
    assert.deepEqual(diffSignInSessions(byId(a1), byId(a2)), { added: [a2], removed: [a1], changed: [] });
    assert.deepEqual(diffSignInSessions(byId(b), byId(bRenamed)), { added: [], removed: [], changed: [bRenamed] });
    assert.deepEqual(diffSignInSessions(byId(a1, b), byId(a1, b)), { added: [], removed: [], changed: [] });
  });
});
