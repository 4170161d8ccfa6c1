// Tessera's prompts in the real extension host: every one is readable through the test API's
// prompts (as the sign-in steps are), and what the person picked is not asked again when a box
// opens again after the provider refused what was typed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { uniqueName } from '../builders/unique-name';
import { accountOnDeadProvider, closeSignedInFixture, signedInFixture, waitFor, waitForPrompt, type SignedInFixture } from './core-helpers';

describe('core: prompts', function () {
  this.timeout(60_000);
  let { api, client, user, account } = {} as SignedInFixture;
  before(async () => ({ api, client, user, account } = await signedInFixture('prompts')));
  afterEach(async () => {
    if (api.prompts.shown()) await api.prompts.cancel();
  });
  after(async () => closeSignedInFixture({ api, client, user }));

  /** Waits for Tessera's prompt matching `re`, idle. */
  const prompt = (re: RegExp) => waitForPrompt(api, re);

  it('the account pick of a palette command (Sign Out with two accounts) is readable and can be cancelled', async () => {
    // A second account (as another window signed in on a provider now down): no user to make.
    const second = await accountOnDeadProvider(api, { userId: 4242, login: 'second' });
    try {
      const running = Promise.resolve(vscode.commands.executeCommand('tessera.signOut'));
      const shown = await prompt(/Which account\?/);
      assert.equal(shown.kind, 'pick');
      assert.equal(shown.title, 'Sign out of Tessera');
      await api.prompts.cancel();
      await running;
      assert.ok(api.services.accounts().some((a) => a.id === account.id) && api.services.accounts().some((a) => a.id === second.id), 'nobody signed out');
    } finally {
      await api.signOut(second.id);
    }
  });

  it('Create Repository: a name already taken opens the name box again; the visibility picked is not asked again, the description box is readable', async () => {
    const basic = { basic: { login: user.login, password: user.password } };
    const taken = uniqueName('taken');
    const made = await client.post('/user/repos', { ...basic, body: { name: taken } });
    assert.equal(made.status, 201, made.text);
    const running = Promise.resolve(vscode.commands.executeCommand<{ full_name: string } | undefined>('tessera.createRepository', { accountId: account.id }));
    await prompt(/Name of the new repository/);
    await api.prompts.answer(taken);
    await prompt(/Who can see/);
    await api.prompts.answer(); // Private
    await prompt(/A short description/);
    await api.prompts.answer('kept across tries');
    await waitFor('the name box again, with the reason', () => {
      const p = api.prompts.shown();
      return p && !p.busy && /Name of the new repository/.test(p.prompt) && p.message ? p : undefined;
    });
    const name = uniqueName('fresh');
    await api.prompts.answer(name);
    const next = await prompt(/Who can see|A short description/);
    assert.match(next.prompt, /A short description/, 'the visibility picked before is kept, not asked again');
    await api.prompts.answer();
    const created = await running;
    assert.equal(created?.full_name, `${user.login}/${name}`);
    const repo = await client.get(`/repos/${user.login}/${name}`, basic);
    assert.equal(repo.status, 200, repo.text);
    assert.equal((repo.json as { private: boolean }).private, true, 'the visibility picked on the first try');
    assert.equal((repo.json as { description: string | null }).description, 'kept across tries', 'the description typed on the first try');
  });
});
