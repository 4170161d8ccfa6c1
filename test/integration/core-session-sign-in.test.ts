// A session asked for while no account is signed in: the 'tessera' provider runs the interactive
// sign-in (its real prompts, answered through the workbench's commands as a person would). A
// failed sign-in rejects with an Error saying what failed, a cancelled one with VS Code's
// CancellationError, and requests made meanwhile share the one sign-in; one made while the
// person's own Sign In is on screen waits for it instead of replacing its prompt, and a Sign In
// started while the session's account pick is on screen waits for that pick.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TesseraApi } from '../../src/extension/test-api';
import type { ApiClient, CallOptions } from '../builders/api-client';
import { newSession } from '../builders/sessions';
import { freshOtp, wrongOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { uniqueName } from '../builders/unique-name';
import { createUser, type TestUser } from '../builders/users';
import { escapeWhileChecked, holdProviderAnswer, providerClient, tesseraApi, waitFor, waitForPrompt, closedPort, type HeldAnswer } from './core-helpers';

describe('core: a session that needs a sign-in', function () {
  this.timeout(60_000);
  let api: TesseraApi;
  let client: ApiClient;

  /** Waits for Tessera's prompt whose prompt text matches, idle (not checking an answer). */
  const prompt = (re: RegExp) => waitForPrompt(api, re);
  /** The error under the box once the last answer was checked. */
  const message = (re: RegExp) =>
    waitFor(`the message ${re}`, () => {
      const p = api.prompts.shown();
      return p && !p.busy && p.message && re.test(p.message) ? p.message : undefined;
    });
  /** The provider pick (the configured one first), then the login. */
  const upToPassword = async (user: TestUser) => {
    await prompt(/Choose the Tessera provider/);
    await api.prompts.answer();
    await prompt(/Your login on/);
    await api.prompts.answer(user.login);
    await prompt(/Password for/);
  };
  const newUser = () => createUser({ api: client }, { login: uniqueName('needsin') });

  const signOutAll = async () => {
    for (const a of api.services.accounts()) await api.signOut(a.id);
  };

  before(async () => {
    api = await tesseraApi();
    client = await providerClient(api);
    // Accounts other suites left signed in would be chosen without any prompt.
    await signOutAll();
  });

  afterEach(async () => {
    if (api.prompts.shown()) await api.prompts.cancel();
    await signOutAll();
  });

  after(async () => {
    await client?.close();
  });

  it('a wrong password, then Escape: createSession rejects with an Error saying the sign-in failed and why, not a cancellation', async () => {
    const user = await newUser();
    const creating = Promise.resolve(api.authentication.createSession(['read:user'], {}));
    await upToPassword(user);
    const wrong = `${user.password}-wrong`;
    await api.prompts.answer(wrong);
    await message(/Incorrect login or password/);
    await api.prompts.cancel();
    await assert.rejects(creating, (err: Error) => {
      assert.ok(!(err instanceof vscode.CancellationError), `a cancellation: ${err.message}`);
      assert.match(err.message, /^Tessera: the sign-in failed: Incorrect login or password\.$/);
      assert.ok(!err.message.includes(wrong), 'no password in the error');
      return true;
    });
    assert.deepEqual(api.services.accounts(), [], 'nobody signed in');
  });

  it('three wrong passwords: the sign-in stops asking, says the provider locks after ten and tells nothing of tries left, and createSession rejects saying so', async () => {
    // Any login: a wrong password and an unknown login get the same answer (no user to make).
    const user = { login: uniqueName('nobody'), password: 'not-a-password' };
    const creating = Promise.resolve(api.authentication.createSession(['read:user'], {}));
    await upToPassword(user as TestUser);
    const wrong = `${user.password}-wrong`;
    await api.prompts.answer(wrong);
    await message(/Incorrect login or password\. 2 more tries here/);
    await api.prompts.answer(wrong);
    await message(/Incorrect login or password\. One more try here/);
    await api.prompts.answer(wrong);
    await assert.rejects(creating, (err: Error) => {
      assert.ok(!(err instanceof vscode.CancellationError), `a cancellation: ${err.message}`);
      assert.match(err.message, /^Tessera: the sign-in failed: Incorrect login or password, 3 times: Tessera stopped asking\. The provider locks password sign-in for 10 minutes after 10 failed attempts/);
      assert.ok(!err.message.includes(wrong), 'no password in the error');
      return true;
    });
    assert.equal(api.prompts.shown(), undefined, 'no prompt asks again');
    assert.deepEqual(api.services.accounts(), [], 'nobody signed in');
  });

  it('a wrong 2FA code, then Escape: createSession rejects saying the code was not valid', async () => {
    const user = await newUser();
    await enableTwoFactor({ api: client }, user);
    const creating = Promise.resolve(api.authentication.createSession(['read:user'], {}));
    await upToPassword(user);
    await api.prompts.answer(user.password);
    await prompt(/authenticator app/);
    await api.prompts.answer(await wrongOtp({ api: client }, user));
    await message(/That code is not valid/);
    await api.prompts.cancel();
    await assert.rejects(creating, (err: Error) => {
      assert.ok(!(err instanceof vscode.CancellationError), `a cancellation: ${err.message}`);
      assert.match(err.message, /^Tessera: the sign-in failed: That code is not valid\./);
      return true;
    });
  });

  it('a provider that cannot be reached, then Escape: createSession rejects saying which provider could not be reached', async () => {
    const user = await newUser();
    // A port nothing listens on: the configured provider is down.
    const port = await closedPort();
    const config = vscode.workspace.getConfiguration('tessera');
    await config.update('providerUrl', `https://127.0.0.1:${port}`, vscode.ConfigurationTarget.Global);
    try {
      const creating = Promise.resolve(api.authentication.createSession(['read:user'], {}));
      await upToPassword(user);
      await api.prompts.answer(user.password);
      await message(new RegExp(`127\\.0\\.0\\.1:${port}`));
      await api.prompts.cancel();
      await assert.rejects(creating, (err: Error) => {
        assert.ok(!(err instanceof vscode.CancellationError), `a cancellation: ${err.message}`);
        assert.match(err.message, new RegExp(`^Tessera: the sign-in failed: .*127\\.0\\.0\\.1:${port}`));
        assert.ok(!err.message.includes(user.password), 'no password in the error');
        return true;
      });
    } finally {
      await config.update('providerUrl', undefined, vscode.ConfigurationTarget.Global);
      await api.providerInfo();
    }
  });

  it('Escape before any answer was refused: createSession rejects with VS Code’s CancellationError', async () => {
    const user = await newUser();
    const creating = Promise.resolve(api.authentication.createSession(['read:user'], {}));
    await upToPassword(user);
    await api.prompts.cancel();
    await assert.rejects(creating, (err: Error) => err instanceof vscode.CancellationError);
  });

  /** The provider's answer to the next sign-in try (POST /authorizations), held (holdProviderAnswer). */
  const holdSignIn = () => holdProviderAnswer(api, 'POST', /\/authorizations$/);
  /**
   * Escape while the last answer is being checked (the provider made its sign-in token; Escape
   * reaches the extension before that answer, `held`): createSession is cancelled, and the sign-in
   * token the provider made for that answer is deleted there. `auth`: how the test reads the
   * user's audit log and tokens.
   */
  const cancelWhileChecking = async (creating: Promise<unknown>, held: HeldAnswer, auth: CallOptions) => {
    await escapeWhileChecked(api, held);
    await assert.rejects(creating, (err: Error) => err instanceof vscode.CancellationError);
    const made = await waitFor('the sign-in token the provider made', async () => {
      const audit = await client.get('/user/audit-log?phrase=action:oauth_authorization.create', auth);
      assert.equal(audit.status, 200, audit.text);
      const events = audit.json as { action: string; note?: string; token_id?: number }[];
      return events.find((e) => e.action === 'oauth_authorization.create' && /^Tessera for VS Code on /.test(e.note ?? ''))?.token_id;
    });
    await waitFor(`the cancelled sign-in's token ${made} gone from the provider`, async () => {
      const token = await client.get(`/user/personal-access-tokens/${made}`, auth);
      return token.status === 404 || undefined;
    });
    const tokens = await client.get('/user/personal-access-tokens?per_page=100', auth);
    const names = (tokens.json as { name: string }[]).map((t) => t.name);
    assert.deepEqual(names.filter((n) => /^Tessera for VS Code on /.test(n)), [], `no sign-in token left: ${names.join(', ')}`);
    assert.deepEqual(api.services.accounts(), [], 'nobody signed in');
  };

  it('Escape while the password is checked: the sign-in token the provider made for that try is deleted there', async () => {
    const user = await newUser();
    const creating = Promise.resolve(api.authentication.createSession(['read:user'], {}));
    await upToPassword(user);
    const held = holdSignIn();
    await api.prompts.answer(user.password);
    await cancelWhileChecking(creating, held, { basic: { login: user.login, password: user.password } });
  });

  it('Escape while the 2FA code is checked: the sign-in token the provider made for that code is deleted there', async () => {
    const { user, token } = await newSession({ api: client }, ['admin:token', 'user']);
    await enableTwoFactor({ api: client }, user, token);
    const creating = Promise.resolve(api.authentication.createSession(['read:user'], {}));
    await upToPassword(user);
    await api.prompts.answer(user.password);
    await prompt(/authenticator app/);
    const held = holdSignIn();
    await api.prompts.answer(await freshOtp({ api: client }, user));
    await cancelWhileChecking(creating, held, { token });
  });

  it('a session asked for while the person’s own Sign In is on screen waits for it: the prompt stays, and the session gets the account it signs in', async () => {
    const user = await newUser();
    const command = Promise.resolve(vscode.commands.executeCommand<{ login: string } | undefined>('tessera.signIn'));
    await prompt(/Choose the Tessera provider/);
    await api.prompts.answer();
    await prompt(/Your login on/);
    const creating = Promise.resolve(api.authentication.createSession(['read:user'], {}));
    await api.prompts.answer(user.login);
    await prompt(/Password for/);
    await api.prompts.answer(user.password);
    const [signedIn, session] = await Promise.all([command, creating]);
    assert.equal(signedIn?.login, user.login, 'the person’s own sign-in ended signed in, not cancelled');
    assert.equal(session.account.label, user.login, 'the session is of the account that sign-in made');
    assert.equal(api.prompts.shown(), undefined, 'no second sign-in waits');
    const tokens = await client.get('/user/personal-access-tokens?per_page=100', { basic: { login: user.login, password: user.password } });
    assert.equal(tokens.status, 200, tokens.text);
    const names = (tokens.json as { name: string }[]).map((t) => t.name);
    assert.equal(names.filter((n) => /^Tessera for VS Code on /.test(n)).length, 1, `one sign-in: ${names.join(', ')}`);
  });

  it('a Sign In started while the session’s account pick is on screen waits for it: the pick is answered and stands, then the sign-in opens', async () => {
    const [one, two] = [await newUser(), await newUser()];
    const first = await api.signInWithPassword({ login: one.login, password: one.password });
    await api.signInWithPassword({ login: two.login, password: two.password });
    const creating = Promise.resolve(api.authentication.createSession(['read:user'], {}));
    await prompt(/Which Tessera account should the new session use\?/);
    const command = Promise.resolve(vscode.commands.executeCommand<{ login: string } | undefined>('tessera.signIn'));
    await waitFor('the sign-in waiting for its turn', () => api.prompts.waiting() === 1 || undefined);
    assert.match(api.prompts.shown()?.prompt ?? '(none)', /Which Tessera account should the new session use\?/, 'the account pick stays on screen');
    await api.prompts.answer(one.login);
    const session = await creating;
    assert.equal(session.account.id, first.id, 'the session is of the account picked');
    await prompt(/Choose the Tessera provider/);
    await api.prompts.cancel();
    assert.equal(await command, undefined, 'the sign-in opened after the pick, and Escape cancelled it');
  });

  it('requests made while the sign-in runs share it: one provider pick, one login; the same scopes get the same session, others their own token', async () => {
    const user = await newUser();
    const [a, b, c] = [['read:user'], ['read:user'], ['gist']].map((scopes) => Promise.resolve(api.authentication.createSession(scopes, {})));
    await upToPassword(user);
    await api.prompts.answer(user.password);
    const [sa, sb, sc] = await Promise.all([a, b, c]);
    assert.equal(api.prompts.shown(), undefined, 'no second sign-in or account pick waits');
    assert.equal(sb.id, sa.id, 'the same scopes: the same session');
    assert.equal(sc.account.id, sa.account.id, 'the account the sign-in made');
    assert.notEqual(sc.id, sa.id);
    assert.deepEqual(sc.scopes, ['gist']);
    assert.deepEqual(api.services.accounts().map((x) => x.login), [user.login]);
    const tokens = await client.get('/user/personal-access-tokens?per_page=100', { basic: { login: user.login, password: user.password } });
    assert.equal(tokens.status, 200, tokens.text);
    const names = (tokens.json as { name: string }[]).map((t) => t.name);
    assert.equal(names.filter((n) => /^Tessera for VS Code on /.test(n)).length, 1, `one sign-in: ${names.join(', ')}`);
    assert.equal(names.length, 3, `the sign-in and two session tokens: ${names.join(', ')}`);
  });
});
