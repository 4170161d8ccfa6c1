// Sessions of an account whose own sign-in ended on the provider (its token deleted elsewhere):
// the token list can no longer be read, yet a session whose token died meanwhile is not handed
// out forever: it is dropped with a 'removed' event, and one whose token still works stays. The
// account's own sign-in is no longer listed for VS Code's Accounts menu once the provider refused it.
// Checking the sessions does not use their tokens (their last_used_at stays).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ViewsInternals } from '../../src/extension/views/register-views';
import { closeSignedInFixture, nextEvent, signedInFixture, type SignedInFixture } from './core-helpers';

describe('core: sessions after the sign-in ended', function () {
  this.timeout(60_000);
  let { api, client, user, account } = {} as SignedInFixture;
  before(async () => ({ api, client, user, account } = await signedInFixture('ended')));
  after(async () => closeSignedInFixture({ api, client, user }));

  it('a session whose token was revoked after the sign-in ended is dropped once the editor tries the account (Tokens view load); a working one stays', async () => {
    const opts = { account: { id: account.id, label: account.login } };
    const dead = await api.authentication.createSession(['read:user'], opts);
    const alive = await api.authentication.createSession(['gist'], opts);
    const password = { basic: { login: user.login, password: user.password } };

    // Elsewhere: the sign-in token is deleted (the sign-in ended), then one session token is revoked as leaked.
    const signInToken = api.services.signInTokenId(account.id);
    assert.ok(signInToken, 'the account has a sign-in token');
    const del = await client.delete(`/user/personal-access-tokens/${signInToken}`, password);
    assert.equal(del.status, 204, del.text);
    const rev = await client.post('/credentials/revoke', { body: { credentials: [dead.accessToken] } });
    assert.equal(rev.status, 202, rev.text);
    assert.equal((await client.get('/user', { token: dead.accessToken })).status, 401, 'the revoked token no longer works');
    assert.equal((await client.get('/user', { token: alive.accessToken })).status, 200, 'the other session token still works');

    // The Tokens view loads (as its periodic check does): the list is refused, the sessions are asked.
    const removed = nextEvent(api.authentication.onDidChangeSessions, (e) => !!e.removed?.some((s) => s.id === dead.id), `a removed event for ${dead.id}`);
    const views = await vscode.commands.executeCommand<ViewsInternals>('tessera._views.internals');
    views.store.invalidate();
    await views.store.loadAll();
    await removed;
    assert.deepEqual(await api.authentication.getSessions(['read:user'], opts), [], 'the dead session is not handed out');
    assert.deepEqual((await api.authentication.getSessions(['gist'], opts)).map((s) => s.id), [alive.id], 'the working session stays');
  });

  it('once the provider refuses the sign-in token (deleted elsewhere), the Accounts menu no longer lists the account as signed in; a new sign-in lists it again', async () => {
    // A sign-in of its own (the test above ended the fixture's).
    const other = { user, account: await api.signInWithPassword({ login: user.login, password: user.password }) };
    {
      // The account's own sign-in (the session tokens of the test above are not what this is about).
      const ofAccount = async () => (await api.authentication.getSessions(undefined, {})).filter((s) => s.account.id === other.account.id && s.scopes.includes('admin:token'));
      const [signIn] = await ofAccount();
      assert.ok(signIn, 'the sign-in is listed for the Accounts menu');
      const signInToken = api.services.signInTokenId(other.account.id);
      const del = await client.delete(`/user/personal-access-tokens/${signInToken}`, { basic: { login: other.user.login, password: other.user.password } });
      assert.equal(del.status, 204, del.text);

      const removed = nextEvent(api.authentication.onDidChangeSessions, (e) => !!e.removed?.some((s) => s.id === signIn.id), `a removed event for ${signIn.id}`);
      await assert.rejects(api.services.api(other.account.id, 'GET', '/user'), /has ended/);
      await removed;
      assert.deepEqual(await ofAccount(), [], 'the sign-in is not listed');
      assert.ok(api.services.accounts().some((a) => a.id === other.account.id), 'the account stays here, to sign in again or out');

      const added = nextEvent(api.authentication.onDidChangeSessions, (e) => !!e.added?.some((s) => s.account.id === other.account.id), 'an added event for the new sign-in');
      await api.signInWithPassword({ login: other.user.login, password: other.user.password });
      await added;
      assert.equal((await ofAccount()).length, 1, 'the new sign-in is listed');
    }
  });

  it('the check of the sessions once the sign-in ended does not use their tokens: a working one keeps its last_used_at', async () => {
    // A sign-in of its own (the tests above ended the fixture's).
    const again = await api.signInWithPassword({ login: user.login, password: user.password });
    const opts = { account: { id: again.id, label: again.login } };
    const dead = await api.authentication.createSession(['read:org'], opts);
    const alive = await api.authentication.createSession(['notifications'], opts);
    const password = { basic: { login: user.login, password: user.password } };
    const lastUsed = async (session: vscode.AuthenticationSession) => {
      const r = await client.get(`/user/personal-access-tokens/${session.id.split('/').pop()}`, password);
      assert.equal(r.status, 200, r.text);
      return (r.json as { last_used_at: string | null }).last_used_at;
    };
    assert.equal(await lastUsed(alive), null, 'a new session token was never used');
    const del = await client.delete(`/user/personal-access-tokens/${api.services.signInTokenId(again.id)}`, password);
    assert.equal(del.status, 204, del.text);
    const gone = await client.delete(`/user/personal-access-tokens/${dead.id.split('/').pop()}`, password);
    assert.equal(gone.status, 204, gone.text);

    // The check ends with the dead session dropped; the working one was checked alongside it.
    const removed = nextEvent(api.authentication.onDidChangeSessions, (e) => !!e.removed?.some((s) => s.id === dead.id), `a removed event for ${dead.id}`);
    await assert.rejects(api.services.api(again.id, 'GET', '/user'), /has ended/);
    await removed;
    assert.deepEqual((await api.authentication.getSessions(['notifications'], opts)).map((s) => s.id), [alive.id], 'the working session stays');
    assert.equal(await lastUsed(alive), null, 'checking the session did not use its token');
  });
});
