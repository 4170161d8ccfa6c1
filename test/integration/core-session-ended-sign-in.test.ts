// Sessions of an account whose own sign-in ended on the provider (its token deleted elsewhere):
// the token list can no longer be read, yet a session whose token died meanwhile is not handed
// out forever: it is dropped with a 'removed' event, and one whose token still works stays.
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
});
