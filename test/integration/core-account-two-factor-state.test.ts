// The account's two-factor state as the editor records it from GET /user: the provider shows
// `two_factor_authentication` only to a token that may read the private profile (classic `user` or
// `read:user`), so a sign-in token someone has narrowed since gets an answer without it — an
// unknown state, which must leave the recorded one (and the Accounts tree's "2FA on") alone rather
// than turn it into "off".
import * as assert from 'node:assert/strict';
import { parseAccountSecrets } from '../../src/extension/accounts/account-secrets';
import { completeSignIn } from '../../src/extension/auth/sign-in-core';
import type { CoreServices } from '../../src/extension/core-services';
import { AccountItem, AccountsTreeProvider } from '../../src/extension/views/accounts-tree';
import { OrgViewModel } from '../../src/extension/views/org-view-model';
import { createClassicToken } from '../builders/tokens';
import { freshOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { uniqueName } from '../builders/unique-name';
import { createUser } from '../builders/users';
import { closeSignedInFixture, signedInFixture, waitFor, type SignedInFixture } from './core-helpers';

describe('core: the two-factor state of an account', function () {
  this.timeout(60_000);
  let f: SignedInFixture;

  before(async () => {
    f = await signedInFixture('tfa-state');
  });
  after(async () => closeSignedInFixture(f));

  it('a sign-in token narrowed to no user scope reads no 2FA state: the recorded "on" stays, not "off"', async () => {
    assert.equal(f.account.twoFactorEnabled, false);
    await enableTwoFactor({ api: f.client }, f.user);
    assert.equal((await f.api.services.refreshAccount(f.account.id))?.twoFactorEnabled, true, 'the sign-in token (user scope) reads it');

    const { admin } = parseAccountSecrets(await f.api.readSecretRaw(f.api.secretKey(f.account.id)))!;
    const narrowed = await f.client.patch(`/authorizations/${admin.tokenId}`, {
      basic: f.user,
      otp: await freshOtp({ api: f.client }, f.user),
      body: { remove_scopes: ['user'] },
    });
    assert.equal(narrowed.status, 200, narrowed.text);
    const me = await f.client.get('/user', { token: admin.token });
    assert.equal(me.json.user_view_type, 'public', 'the narrowed token gets the public profile');
    assert.equal(me.json.two_factor_authentication, undefined);

    const refreshed = await f.api.services.refreshAccount(f.account.id);
    assert.equal(refreshed?.login, f.user.login);
    assert.equal(refreshed?.twoFactorEnabled, true, 'an answer without the state keeps the recorded one');
    const tree = new AccountsTreeProvider(f.api.services, new OrgViewModel(f.api.services));
    try {
      const item = (await tree.getChildren()).find((e): e is AccountItem => e instanceof AccountItem && e.account.id === f.account.id);
      assert.match(String(item?.description), /· 2FA on$/);
    } finally {
      tree.dispose();
    }
  });

  it('a sign-in whose GET /user leaves the state out records it as unknown: the account does not read "2FA off"', async () => {
    const user = await createUser({ api: f.client }, { login: uniqueName('tfa-unknown') });
    await enableTwoFactor({ api: f.client }, user);
    // A token without the user scope: GET /user answers the public profile, without the 2FA state.
    const token = await createClassicToken({ api: f.client }, user, { scopes: ['repo'] });
    const me = await f.client.get('/user', { token: token.token });
    assert.equal(me.json.two_factor_authentication, undefined, 'the answer leaves the state out');

    const core = f.api.services as CoreServices;
    const quiet = { info: () => undefined, warn: () => undefined };
    const account = await completeSignIn(core.client, core.store, f.account.providerOrigin, { id: token.id, token: token.token }, quiet);
    const tree = new AccountsTreeProvider(f.api.services, new OrgViewModel(f.api.services));
    try {
      assert.equal(account.twoFactorEnabled, undefined, 'unknown, not off');
      const listed = await waitFor('the account listed', () => f.api.services.accounts().find((a) => a.id === account.id));
      assert.equal(listed.twoFactorEnabled, undefined, 'recorded as unknown');
      const item = await waitFor('its row', async () => (await tree.getChildren()).find((e): e is AccountItem => e instanceof AccountItem && e.account.id === account.id));
      assert.match(String(item.description), /· 2FA not known$/);
      assert.equal(item.contextValue, 'account;2fa=unknown', 'no "Set Up Two-Factor" as for an account without it');
      const details = await tree.getChildren(item);
      const twoFactor = details.find((d) => d.id === `account:${account.id}:2fa`);
      assert.equal(twoFactor?.description, 'not known (the provider did not say)');
    } finally {
      tree.dispose();
      await f.api.signOut(account.id);
    }
  });
});
