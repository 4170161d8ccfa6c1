// How a command's error is shown (registerCommand → services.showError), in the real extension
// host: a team server that is down is named and "Retry" runs the command again with the same
// arguments; a sign-in that ends while a command's box is open keeps what was typed. The
// extension's own window.show*Message are answered here (the test runs in the same extension, so it
// shares the extension's `vscode` API object).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TokenJson } from '../../src/shared/api-types';
import { addMember, createOrg } from '../builders/orgs';
import { createClassicToken } from '../builders/tokens';
import { uniqueName } from '../builders/unique-name';
import { createUser } from '../builders/users';
import { closeSignedInFixture, embeddedProviderDown, newSignedInUser, providerClient, signedInFixture, tesseraApi, waitFor, waitForPrompt, accountOnDeadProvider, type SignedInFixture } from './core-helpers';
import type { TesseraApi } from '../../src/extension/test-api';

type Win = { showWarningMessage: typeof vscode.window.showWarningMessage; showErrorMessage: typeof vscode.window.showErrorMessage };

describe('core: command errors', function () {
  this.timeout(60_000);
  let api: TesseraApi;
  const win = vscode.window as unknown as Win;
  const realWarning = win.showWarningMessage;
  const realError = win.showErrorMessage;
  after(() => {
    win.showWarningMessage = realWarning;
    win.showErrorMessage = realError;
  });

  it('a team server that is down: the error names it and offers Retry, which runs the command again', async () => {
    api = await tesseraApi();
    const { id, port } = await accountOnDeadProvider(api, { userId: 79, login: 'ghost' });
    let confirms = 0;
    const shown: { message: string; actions: string[] }[] = [];
    win.showWarningMessage = (async (..._args: unknown[]) => {
      confirms++;
      return 'Accept';
    }) as unknown as Win['showWarningMessage'];
    win.showErrorMessage = (async (message: string, ...actions: unknown[]) => {
      shown.push({ message, actions: actions.filter((a): a is string => typeof a === 'string') });
      return shown.length === 1 ? 'Retry' : undefined;
    }) as unknown as Win['showErrorMessage'];
    try {
      await vscode.commands.executeCommand('tessera.acceptOrgInvitation', { accountId: id, org: 'acme' });
      await waitFor('the command to run again after Retry', () => (shown.length >= 2 ? true : undefined));
      assert.equal(confirms, 2, 'Retry ran the command again (it asked to confirm again)');
      assert.ok(shown[0]!.message.includes(`127.0.0.1:${port}`), `names the server: ${shown[0]!.message}`);
      assert.ok(shown[0]!.actions.includes('Retry'), `actions: ${shown[0]!.actions.join(', ')}`);
    } finally {
      win.showWarningMessage = realWarning;
      win.showErrorMessage = realError;
      await api.signOut(id);
    }
  });
});

describe('core: a provider that is down while a command asks (askThenUse)', function () {
  this.timeout(60_000);
  // Each row: a command whose box's answer is used only after more questions; the provider is down
  // when it is finally called. The box opens again saying so, and Enter alone goes on with the text.
  const rows: { command: string; arg: (accountId: string) => unknown; typed: string; next: RegExp }[] = [
    { command: 'tessera.inviteOrgMember', arg: (accountId) => ({ accountId, org: 'acme' }), typed: 'bob', next: /^Invite bob to acme as/ },
  ];
  for (const row of rows) {
    it(`${row.command}: the box opens again with the reason, and what was typed is kept`, async () => {
      const api = await tesseraApi();
      const { id, port } = await accountOnDeadProvider(api, { userId: 83, login: 'ghost' });
      const box = (withMessage: boolean) => () => {
        const p = api.prompts.shown();
        return p?.kind === 'input' && !p.busy && p.onScreen && !!p.message === withMessage ? p : undefined;
      };
      const second = () => {
        const p = api.prompts.shown();
        return p?.kind === 'pick' && p.onScreen && row.next.test(p.title) ? p : undefined;
      };
      const running = vscode.commands.executeCommand(row.command, row.arg(id));
      try {
        await waitFor('the box', box(false));
        await api.prompts.answer(row.typed);
        await waitFor('the next question', second);
        await api.prompts.answer(); // its first item
        const again = await waitFor('the box again, with the reason', box(true));
        assert.match(again.message ?? '', new RegExp(`The Tessera provider at https://127\\.0\\.0\\.1:${port} is not reachable \\(connection refused\\)\\. Press Enter to try again\\.`));
        await api.prompts.answer(); // Enter, nothing retyped
        await waitFor('the next question again, about what was typed before', second);
        await api.prompts.cancel();
        assert.equal(await running, undefined);
      } finally {
        if (api.prompts.shown()) await api.prompts.cancel();
        await api.signOut(id);
      }
    });
  }
});

describe('core: a sign-in that ends while a command asks (askThenUse)', function () {
  this.timeout(90_000);
  let { api, client, user, account } = {} as SignedInFixture;
  before(async () => ({ api, client, user, account } = await signedInFixture('kept')));
  after(async () => closeSignedInFixture({ api, client, user }));

  it('Create Organization: the login typed is kept; Enter in the box signs in again and the organization is created with it', async () => {
    assert.deepEqual(api.services.accounts().map((a) => a.id), [account.id], 'only this account is signed in here (no account pick)');
    const basic = { basic: { login: user.login, password: user.password } };
    const boxShown = (withMessage: boolean) => () => {
      const p = api.prompts.shown();
      return p?.title === 'Create Organization' && !p.busy && !!p.message === withMessage ? p : undefined;
    };
    const running = vscode.commands.executeCommand<string | undefined>('tessera.createOrganization');
    await waitFor('the login box', boxShown(false));
    // Elsewhere, while the box is open: the sign-in token is deleted (the sign-in ends).
    const del = await client.delete(`/user/personal-access-tokens/${api.services.signInTokenId(account.id)}`, basic);
    assert.equal(del.status, 204, del.text);
    const org = uniqueName('kept');
    await api.prompts.answer(org);

    const again = await waitFor('the login box again, with the reason', boxShown(true));
    assert.match(again.message ?? '', /sign-in to the Tessera provider at .* has ended/);
    assert.match(again.message ?? '', /Press Enter to sign in/);
    await api.prompts.answer(); // Enter, nothing retyped
    await waitFor('the sign-in login step', () => api.prompts.shown()?.prompt.startsWith('Your login on') || undefined);
    await api.prompts.answer(user.login);
    await waitFor('the sign-in password step', () => api.prompts.shown()?.prompt.startsWith(`Password for ${user.login}`) || undefined);
    await api.prompts.answer(user.password);

    assert.equal(await running, org, 'the command went on with the login typed before the sign-in ended');
    const made = await client.get(`/orgs/${org}`, basic);
    assert.equal(made.status, 200, made.text);
  });

  it('Create Organization: signing in as another user in that sign-in does not try the call again; the box says whose sign-in it needs', async () => {
    const other = await createUser({ api: client }, { login: uniqueName('other') });
    const basic = { basic: { login: user.login, password: user.password } };
    const box = (message: RegExp | undefined) => () => {
      const p = api.prompts.shown();
      return p?.title === 'Create Organization' && !p.busy && (message ? message.test(p.message ?? '') : !p.message) ? p : undefined;
    };
    const running = vscode.commands.executeCommand<string | undefined>('tessera.createOrganization', { accountId: account.id });
    await waitFor('the login box', box(undefined));
    const del = await client.delete(`/user/personal-access-tokens/${api.services.signInTokenId(account.id)}`, basic);
    assert.equal(del.status, 204, del.text);
    await api.prompts.answer(uniqueName('kept'));
    await waitFor('the box again, with the reason', box(/Press Enter to sign in/));
    await api.prompts.answer();
    await waitFor('the sign-in login step', () => api.prompts.shown()?.prompt.startsWith('Your login on') || undefined);
    await api.prompts.answer(other.login);
    await waitFor('the sign-in password step', () => api.prompts.shown()?.prompt.startsWith(`Password for ${other.login}`) || undefined);
    await api.prompts.answer(other.password);
    try {
      const again = await waitFor('the box again, saying whose sign-in it needs', box(new RegExp(`^You signed in as ${other.login}, but this needs ${user.login}'s sign-in`)));
      assert.match(again.message ?? '', new RegExp(`Press Enter to sign in as ${user.login}\\.$`));
      await api.prompts.cancel();
      assert.equal(await running, undefined);
    } finally {
      for (const a of api.services.accounts().filter((x) => x.login === other.login)) await api.signOut(a.id);
    }
  });
});

describe('core: Sign Out of an account whose sign-in ended on the provider', function () {
  this.timeout(60_000);
  type Said = { kind: 'info' | 'warning'; message: string };
  const win = vscode.window as unknown as Win & { showInformationMessage: typeof vscode.window.showInformationMessage };
  const real = { warning: win.showWarningMessage, info: win.showInformationMessage };
  let api: TesseraApi;
  let client: SignedInFixture['client'];
  before(async () => {
    api = await tesseraApi();
    client = await providerClient(api);
  });
  after(async () => {
    win.showWarningMessage = real.warning;
    win.showInformationMessage = real.info;
    await client?.close();
  });

  // Each row: the sessions other extensions got before the sign-in token was deleted elsewhere,
  // and what Sign Out then says. Never "Sign in again" as the reason it could not delete.
  const rows: { sessions: readonly (readonly string[])[]; kind: Said['kind']; says: (login: string) => RegExp }[] = [
    { sessions: [], kind: 'info', says: (login) => new RegExp(`^Signed out of Tessera \\(${login}\\)\\. Its sign-in had already ended on the provider\\.$`) },
    { sessions: [['gist']], kind: 'warning', says: () => /could not be deleted on the provider: its sign-in had already ended there .*so the token that other extensions got from this account could not be deleted and still works: sign in again and delete it in the Tokens view\.$/ },
  ];
  for (const row of rows) {
    it(`with ${row.sessions.length} session(s): the ${row.kind} says what is left on the provider`, async () => {
      const { user, account } = await newSignedInUser(api, client, 'ended');
      const basic = { basic: { login: user.login, password: user.password } };
      for (const scopes of row.sessions) await api.authentication.createSession(scopes, { account: { id: account.id, label: account.login } });
      const del = await client.delete(`/user/personal-access-tokens/${api.services.signInTokenId(account.id)}`, basic);
      assert.equal(del.status, 204, del.text);
      const said: Said[] = [];
      win.showWarningMessage = (async (message: string, ...rest: unknown[]) => {
        if (rest.some((r) => typeof r === 'object' && r !== null && (r as { modal?: boolean }).modal)) return 'Sign Out'; // the confirmation
        said.push({ kind: 'warning', message });
        return undefined;
      }) as unknown as Win['showWarningMessage'];
      win.showInformationMessage = (async (message: string) => {
        said.push({ kind: 'info', message });
        return undefined;
      }) as unknown as typeof vscode.window.showInformationMessage;
      try {
        await vscode.commands.executeCommand('tessera.signOut', { accountId: account.id });
        const shown = await waitFor('what Sign Out says', () => said[0]);
        assert.equal(shown.kind, row.kind, shown.message);
        assert.match(shown.message, row.says(user.login));
        assert.doesNotMatch(shown.message, /has ended: its token/, 'not the error of a call that needs the sign-in');
        assert.ok(!api.services.accounts().some((a) => a.id === account.id), 'signed out here');
      } finally {
        win.showWarningMessage = real.warning;
        win.showInformationMessage = real.info;
      }
    });
  }
});

describe('core: a failed call keeps what was answered (keepAnswers): Sign In goes on with it', function () {
  this.timeout(90_000);
  const win = vscode.window as unknown as Win;
  const real = { warning: win.showWarningMessage, error: win.showErrorMessage };
  let { api, client, user, account } = {} as SignedInFixture;
  before(async () => ({ api, client, user, account } = await signedInFixture('expiry-kept')));
  afterEach(async () => {
    win.showWarningMessage = real.warning;
    win.showErrorMessage = real.error;
    while (api.prompts.shown()) await api.prompts.cancel();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  after(async () => closeSignedInFixture({ api, client, user }));

  // Each row: a command that picks an expiry (a custom date typed in its box) and then calls the
  // provider. The sign-in ends while the date is typed; the error's Sign In, once signed in, goes
  // on with that date: no pick again, nothing typed again.
  const rows = ['tessera.changeTokenExpiry', 'tessera.regenerateToken'];
  for (const command of rows) {
    it(`${command}: the date typed is used after Sign In, without picking again`, async () => {
      const basic = { basic: { login: user.login, password: user.password } };
      const token = await createClassicToken({ api: client }, user, { name: uniqueName('kept'), expires_in_days: 30 });
      const date = new Date(Date.now() + 12 * 86_400_000).toISOString().slice(0, 10);
      const errors: { message: string; actions: string[] }[] = [];
      win.showWarningMessage = (async (..._args: unknown[]) => 'Regenerate') as unknown as Win['showWarningMessage']; // Regenerate's confirmation
      win.showErrorMessage = (async (message: string, ...actions: unknown[]) => {
        errors.push({ message, actions: actions.filter((a): a is string => typeof a === 'string') });
        return errors.length === 1 ? 'Sign In' : undefined;
      }) as unknown as Win['showErrorMessage'];

      const running = vscode.commands.executeCommand(command, { accountId: account.id, tokenId: token.id });
      await waitForPrompt(api, /When should the token expire\?/);
      await api.prompts.answer('Custom date…');
      await waitForPrompt(api, /Expiry date \(YYYY-MM-DD/);
      // Elsewhere, while the date is typed: the sign-in token is deleted (the sign-in ends).
      const del = await client.delete(`/user/personal-access-tokens/${api.services.signInTokenId(account.id)}`, basic);
      assert.equal(del.status, 204, del.text);
      await api.prompts.answer(date);
      await running;
      const shown = await waitFor('the error', () => errors[0]);
      assert.match(shown.message, /sign-in to the Tessera provider at .* has ended/);
      assert.ok(shown.actions.includes('Sign In'), `actions: ${shown.actions.join(', ')}`);

      await waitForPrompt(api, /^Your login on/);
      await api.prompts.answer(user.login);
      await waitForPrompt(api, new RegExp(`^Password for ${user.login}`));
      await api.prompts.answer(user.password);
      const expiry = async () => {
        const r = await client.get(`/user/personal-access-tokens/${token.id}`, basic);
        assert.equal(r.status, 200, r.text);
        return String((r.json as TokenJson).expires_at);
      };
      await waitFor('the date typed, set once signed in again', async () => (await expiry()).startsWith(`${date}T23:59:59`) || undefined);
      assert.equal(errors.length, 1, errors.map((e) => e.message).join(' | '));
    });
  }

  it('tessera.changeTokenExpiry: the provider is down when the date is sent; Retry, once it is back, sets that date without asking again', async () => {
    const basic = { basic: { login: user.login, password: user.password } };
    const token = await createClassicToken({ api: client }, user, { name: uniqueName('retried'), expires_in_days: 30 });
    const date = new Date(Date.now() + 9 * 86_400_000).toISOString().slice(0, 10);
    const errors: { message: string; actions: string[] }[] = [];
    let answerRetry: (choice: string | undefined) => void = () => undefined;
    win.showErrorMessage = ((message: string, ...actions: unknown[]) => {
      errors.push({ message, actions: actions.filter((a): a is string => typeof a === 'string') });
      // The person reads the message; the answer comes once the provider is back.
      return errors.length === 1 ? new Promise<string | undefined>((r) => (answerRetry = r)) : Promise.resolve(undefined);
    }) as unknown as Win['showErrorMessage'];

    const running = vscode.commands.executeCommand('tessera.changeTokenExpiry', { accountId: account.id, tokenId: token.id });
    await waitForPrompt(api, /When should the token expire\?/);
    await api.prompts.answer('Custom date…');
    await waitForPrompt(api, /Expiry date \(YYYY-MM-DD/);
    // While the date is typed: the provider goes down (its port taken by another program).
    const down = await embeddedProviderDown(api);
    try {
      await api.prompts.answer(date);
      await running;
      const shown = await waitFor('the error', () => errors[0]);
      assert.match(shown.message, new RegExp(`^Change token expiry: Port ${down.port} on 127\\.0\\.0\\.1 is used by another program`));
      assert.ok(shown.actions.includes('Retry'), `actions: ${shown.actions.join(', ')}`);
      await down.restore();
      answerRetry('Retry');
      const expiry = async () => {
        const r = await client.get(`/user/personal-access-tokens/${token.id}`, basic);
        assert.equal(r.status, 200, r.text);
        return String((r.json as TokenJson).expires_at);
      };
      await waitFor('the date typed, set after Retry', async () => (await expiry()).startsWith(`${date}T23:59:59`) || undefined);
      assert.equal(api.prompts.shown(), undefined, 'nothing asked again');
      assert.equal(errors.length, 1, errors.map((e) => e.message).join(' | '));
    } finally {
      answerRetry(undefined);
      await down.restore();
    }
  });

  // Each row: an organization command from the palette; the sign-in ends while its last pick is
  // open. Once signed in again, the change is made with what was picked: nothing is picked again.
  const orgRows: { command: string; last: (member: string) => [RegExp, string]; done: (membership: { status: number; json: { role?: string } }) => boolean }[] = [
    { command: 'tessera.changeOrgMemberRole', last: () => [/^Role in the organization$/, 'Owner'], done: (m) => m.status === 200 && m.json.role === 'admin' },
    { command: 'tessera.removeOrgMember', last: (member) => [/^Which member of /, member], done: (m) => m.status === 404 },
  ];
  for (const row of orgRows) {
    it(`${row.command}: what was picked is used after Sign In, without picking again`, async () => {
      const basic = { basic: { login: user.login, password: user.password } };
      const member = await createUser({ api: client }, { login: uniqueName('kept-member') });
      const org = await createOrg({ api: client }, user);
      await addMember({ api: client }, org, user, member);
      await vscode.commands.executeCommand('tessera.refreshOrganizations');
      const errors: string[] = [];
      // The confirmation (Remove Member's) takes its action.
      win.showWarningMessage = (async (...args: unknown[]) => args.filter((a) => typeof a === 'string').at(-1)) as unknown as Win['showWarningMessage'];
      win.showErrorMessage = (async (message: string) => {
        errors.push(message);
        return errors.length === 1 ? 'Sign In' : undefined;
      }) as unknown as Win['showErrorMessage'];

      const running = vscode.commands.executeCommand(row.command);
      const [lastPrompt, lastAnswer] = row.last(member.login);
      for (;;) {
        const p = await waitForPrompt(api, /^Which organization\?$|^Which member of |^Role in the organization$/);
        if (lastPrompt.test(p.prompt)) break;
        await api.prompts.answer(/organization/.test(p.prompt) ? org : member.login);
        await waitFor('the next prompt', () => api.prompts.shown() !== p || undefined);
      }
      // Elsewhere, while the last pick is open: the sign-in token is deleted (the sign-in ends).
      const del = await client.delete(`/user/personal-access-tokens/${api.services.signInTokenId(account.id)}`, basic);
      assert.equal(del.status, 204, del.text);
      await api.prompts.answer(lastAnswer);
      await running;
      const shown = await waitFor('the error', () => errors[0]);
      assert.match(shown, /sign-in to the Tessera provider at .* has ended/);

      await waitForPrompt(api, /^Your login on/);
      await api.prompts.answer(user.login);
      await waitForPrompt(api, new RegExp(`^Password for ${user.login}`));
      await api.prompts.answer(user.password);
      await waitFor('the change picked, made once signed in again', async () => {
        const r = await client.get(`/orgs/${org}/memberships/${member.login}`, basic);
        return row.done({ status: r.status, json: (r.json ?? {}) as { role?: string } }) || undefined;
      });
      assert.equal(errors.length, 1, errors.join(' | '));
    });
  }
});
