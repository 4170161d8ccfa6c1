// The sign-in token's fingerprint names this machine: a new sign-in deletes the earlier sign-in
// tokens of the same machine left on the provider (here: a sign-out that could not delete its token),
// and leaves every other token of the user alone.
import * as assert from 'node:assert/strict';
import { parseAccountSecrets, serializeAccountSecrets } from '../../src/extension/accounts/account-secrets';
import type { TesseraApi } from '../../src/extension/test-api';
import type { ApiClient } from '../builders/api-client';
import { uniqueName } from '../builders/unique-name';
import { createUser, type TestUser } from '../builders/users';
import { providerClient, tesseraApi } from './core-helpers';

describe('core: sign-in tokens of this machine', function () {
  this.timeout(60_000);
  let api: TesseraApi;
  let client: ApiClient;
  let user: TestUser;

  before(async () => {
    api = await tesseraApi();
    client = await providerClient(api);
    user = await createUser({ api: client }, { login: uniqueName('fp') });
  });

  after(async () => {
    for (const a of api.services.accounts().filter((x) => x.login === user.login)) await api.signOut(a.id).catch(() => undefined);
    await client?.close();
  });

  async function classicTokens(): Promise<{ id: number; note: string; fingerprint: string | null }[]> {
    const res = await client.get('/authorizations?per_page=100', { basic: { login: user.login, password: user.password } });
    assert.equal(res.status, 200, res.text);
    return res.json;
  }

  it('a new sign-in deletes the sign-in token an earlier sign-in of this machine left behind', async () => {
    const script = await client.post('/authorizations', {
      basic: { login: user.login, password: user.password },
      body: { scopes: ['repo'], note: 'my script', fingerprint: 'laptop' },
    });
    assert.equal(script.status, 201, script.text);

    const first = await api.signInWithPassword({ login: user.login, password: user.password });
    const key = api.secretKey(first.id);
    const secrets = parseAccountSecrets(await api.readSecretRaw(key))!;
    const firstTokenId = secrets.admin.tokenId;
    const mine = (await classicTokens()).find((t) => t.id === firstTokenId);
    assert.match(mine?.fingerprint ?? '', /^tessera-vscode\.[0-9a-f]+\.[0-9a-f]+$/, 'the sign-in token names this machine');

    // A sign-out that cannot reach the token (its secret here no longer works): it stays on the provider.
    await api.writeSecretRaw(key, serializeAccountSecrets({ ...secrets, admin: { ...secrets.admin, token: `${secrets.admin.token.slice(0, -4)}0000` } }));
    await api.signOut(first.id);
    assert.ok((await classicTokens()).some((t) => t.id === firstTokenId), 'left on the provider');

    const second = await api.signInWithPassword({ login: user.login, password: user.password });
    const secondTokenId = parseAccountSecrets(await api.readSecretRaw(api.secretKey(second.id)))!.admin.tokenId;
    const after = await classicTokens();
    const ids = after.map((t) => t.id);
    assert.ok(!ids.includes(firstTokenId), 'the earlier sign-in token of this machine is deleted');
    assert.ok(ids.includes(secondTokenId), 'the new one stays');
    assert.ok(ids.includes(script.json.id), "the user's other token stays");
  });
});
