// The secrets an account keeps in SecretStorage, on the real core and the real embedded provider:
// a new or regenerated secret is handed back to be shown even when it cannot be kept (secret
// storage refusing writes); regenerating the token this editor signs in with keeps the editor
// signed in; a sign-in or a session that cannot be kept leaves no token behind; a stored value
// this version cannot read is left alone until a sign-out deletes it.
import * as assert from 'node:assert/strict';
import { parseAccountSecrets } from '../../src/extension/accounts/account-secrets';
import { createToken, regenerateToken } from '../../src/extension/views/token-actions';
import type { TokenJson } from '../../src/shared/api-types';
import { closeSignedInFixture, waitFor, signedInFixture, type SignedInFixture } from './core-helpers';

describe('core: token secrets kept for the account', function () {
  this.timeout(60_000);
  let { api, client, user, account } = {} as SignedInFixture;
  before(async () => ({ api, client, user, account } = await signedInFixture('secrets')));
  after(async () => {
    api?.refuseSecretWrites(undefined);
    await closeSignedInFixture({ api, client, user });
  });

  async function stored(accountId: string) {
    const value = parseAccountSecrets(await api.readSecretRaw(api.secretKey(accountId)));
    assert.ok(value, 'the account has a value this version reads');
    return value;
  }

  it('a token made while secret storage refuses writes still hands back its secret, with a warning that git will not use it', async () => {
    api.refuseSecretWrites('the keyring is locked');
    let made;
    try {
      made = await createToken(api.services, account.id, { name: 'made while locked', scopes: ['repo'] });
    } finally {
      api.refuseSecretWrites(undefined);
    }
    const secret = made.token.token ?? '';
    assert.match(secret, /^tsp_/, 'the receipt gets the secret');
    assert.match(made.warning ?? '', /Git will not use this token automatically/);
    assert.match(made.warning ?? '', /the keyring is locked/, 'the warning says why');
    assert.ok(!made.warning!.includes(secret), 'the warning never holds the secret');
    assert.equal((await client.get('/user', { token: secret })).status, 200, 'the secret shown works');
    assert.ok(!(await stored(account.id)).tokens.some((t) => t.tokenId === made.token.id), 'not kept');

    // Kept when secret storage works.
    const kept = await createToken(api.services, account.id, { name: 'made while unlocked', scopes: ['repo'] });
    assert.equal(kept.warning, undefined);
    assert.deepEqual((await stored(account.id)).tokens.find((t) => t.tokenId === kept.token.id)?.token, kept.token.token);
  });

  it('a token regenerated while secret storage refuses writes still hands back its new secret', async () => {
    const token = await api.services.api<TokenJson>(account.id, 'POST', '/user/personal-access-tokens', { name: 'regenerated while locked', scopes: ['repo'] });
    api.refuseSecretWrites('the keyring is locked');
    let fresh;
    try {
      fresh = await regenerateToken(api.services, account.id, token, { mode: 'keep' }, { confirm: false });
    } finally {
      api.refuseSecretWrites(undefined);
    }
    assert.match(fresh?.token ?? '', /^tsp_/);
    assert.notEqual(fresh!.token, token.token);
    assert.equal((await client.get('/user', { token: fresh!.token! })).status, 200, 'the new secret shown works');
  });

  it('a regenerate with an expiry date that cannot be is refused before the confirmation, and the token keeps its secret', async () => {
    const token = await api.services.api<TokenJson>(account.id, 'POST', '/user/personal-access-tokens', { name: 'regenerated on a bad date', scopes: ['repo'] });
    // (a modal confirmation is refused in extension-host tests: reaching it would fail otherwise)
    await assert.rejects(regenerateToken(api.services, account.id, token, { mode: 'date', date: '2031-02-30' }, { confirm: true }), /"2031-02-30" is not a date/);
    assert.equal((await client.get('/user', { token: token.token! })).status, 200, 'the current secret still works');
  });

  it('regenerating the token this editor signs in with keeps the editor signed in, with the new secret as its credential', async () => {
    const signInId = api.services.signInTokenId(account.id);
    assert.ok(signInId, 'the account has a sign-in token');
    const before = await stored(account.id);
    const token = await api.services.api<TokenJson>(account.id, 'GET', `/user/personal-access-tokens/${signInId}`);
    const fresh = await regenerateToken(api.services, account.id, token, { mode: 'keep' }, { confirm: false });
    assert.match(fresh?.token ?? '', /^tsp_/);
    assert.equal((await client.get('/user', { token: before.admin.token })).status, 401, 'the old secret no longer works');

    const me = await api.services.api<{ login: string }>(account.id, 'GET', '/user');
    assert.equal(me.login, user.login, 'the editor still reaches the account');
    const after = await stored(account.id);
    assert.equal(after.admin.tokenId, signInId);
    assert.equal(after.admin.token, fresh!.token);
    assert.ok(!after.tokens.some((t) => t.tokenId === signInId), 'git never gets the sign-in token');
    assert.equal(api.services.signInTokenId(account.id), signInId);
  });

  /** The user's tokens on the provider, read with the password. */
  async function listed(): Promise<TokenJson[]> {
    const r = await client.get('/user/personal-access-tokens?per_page=100', { basic: { login: user.login, password: user.password } });
    assert.equal(r.status, 200, r.text);
    return r.json as TokenJson[];
  }

  it('a sign-in that cannot be recorded (secret storage refusing writes) fails and leaves no sign-in token on the provider', async () => {
    const before = new Set((await listed()).map((t) => t.id));
    const signInId = api.services.signInTokenId(account.id);
    api.refuseSecretWrites('the keyring is locked');
    try {
      await assert.rejects(api.signInWithPassword({ login: user.login, password: user.password }), /the keyring is locked/);
    } finally {
      api.refuseSecretWrites(undefined);
    }
    const made = (await listed()).filter((t) => !before.has(t.id));
    assert.deepEqual(made.map((t) => t.name), [], 'the token the sign-in made is deleted again');
    assert.equal(api.services.signInTokenId(account.id), signInId, 'the account keeps its sign-in token');
    assert.equal((await api.services.api<{ login: string }>(account.id, 'GET', '/user')).login, user.login, 'and it still works');
  });

  it('a session that cannot be kept (secret storage refusing writes) fails createSession and leaves no token on the provider', async () => {
    const before = new Set((await listed()).map((t) => t.id));
    api.refuseSecretWrites('the keyring is locked');
    try {
      await assert.rejects(Promise.resolve(api.authentication.createSession(['read:org'], { account: { id: account.id, label: account.login } })), /the keyring is locked/);
    } finally {
      api.refuseSecretWrites(undefined);
    }
    const made = (await listed()).filter((t) => !before.has(t.id));
    assert.deepEqual(made.map((t) => t.name), [], 'the token minted for the session is deleted again');
    assert.deepEqual(await api.authentication.getSessions(['read:org'], {}), []);
  });

  it("a stored value this version cannot read (a newer version's, a damaged one) is left alone, and signing out deletes it", async () => {
    for (const unreadable of [(v: object) => JSON.stringify({ ...v, v: 2, addedLater: true }), () => '{ not json']) {
      const other = await api.signInWithPassword({ login: user.login, password: user.password });
      const key = api.secretKey(other.id);
      const raw = unreadable(await stored(other.id));
      await api.writeSecretRaw(key, raw);
      // The reload (SecretStorage's change event) drops the secrets it cannot read...
      await waitFor('the reload of the unreadable value', () => api.services.signInTokenId(other.id) === undefined || undefined);
      // ...but neither the value nor the account: it stays listed, so it can be signed out.
      assert.equal(await api.readSecretRaw(key), raw);
      assert.ok(api.services.accounts().some((a) => a.id === other.id), 'the account is still listed');

      await api.signOut(other.id);
      assert.equal(await api.readSecretRaw(key), undefined, 'signing out deleted the value');
      assert.ok(!api.services.accounts().some((a) => a.id === other.id), 'signed out');
    }
  });
});
