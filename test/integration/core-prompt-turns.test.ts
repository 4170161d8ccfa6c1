// VS Code shows one quick input at a time: a second one shown while another is open would end the
// first as if Escape had been pressed. Every prompt of Tessera's takes its turn (quick-input.ts
// inOneTurn, through the sign-in queue): two prompts asked for together open one after the other,
// the first keeps what was typed in it, and both answers arrive. Real prompts in the real extension
// host, answered through the workbench's commands.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TokenJson } from '../../src/shared/api-types';
import { createRepo } from '../builders/repos';
import { createClassicToken } from '../builders/tokens';
import { uniqueName } from '../builders/unique-name';
import { closeSignedInFixture, signedInFixture, waitFor, waitForPrompt, type SignedInFixture } from './core-helpers';

describe('core: one prompt at a time', function () {
  this.timeout(90_000);
  let { api, client, user, account } = {} as SignedInFixture;
  before(async () => ({ api, client, user, account } = await signedInFixture('turns')));
  afterEach(async () => {
    while (api.prompts.shown()) await api.prompts.cancel();
  });
  after(async () => closeSignedInFixture({ api, client, user }));

  const prompt = (re: RegExp) => waitForPrompt(api, re);
  const newToken = () => createClassicToken({ api: client }, user, { name: uniqueName('turn'), expires_in_days: 30 });
  const expiryOf = async (id: number) => {
    const r = await client.get(`/user/personal-access-tokens/${id}`, { basic: { login: user.login, password: user.password } });
    assert.equal(r.status, 200, r.text);
    return String((r.json as TokenJson).expires_at);
  };
  const daysLeft = async (id: number) => (Date.parse(await expiryOf(id)) - Date.now()) / 86_400_000;
  const changeExpiry = (token: TokenJson) => Promise.resolve(vscode.commands.executeCommand('tessera.changeTokenExpiry', { accountId: account.id, tokenId: token.id }));
  /** Resolves once `n` prompts (or sign-ins) wait for the one on screen. */
  const waiting = (n: number) => waitFor(`${n} prompt(s) waiting for their turn`, () => api.prompts.waiting() === n || undefined);

  it('a pick asked for while a box is typed in waits for it: the box keeps what was typed, then the pick opens, and both answers arrive', async () => {
    const [first, second] = [await newToken(), await newToken()];
    const date = new Date(Date.now() + 12 * 86_400_000).toISOString().slice(0, 10);
    const typing = changeExpiry(first);
    await prompt(/When should the token expire\?/);
    await api.prompts.answer('Custom date…');
    const box = await prompt(/Expiry date \(YYYY-MM-DD/);
    box.type(date); // typed, not yet entered

    const picking = changeExpiry(second);
    await waiting(1);
    assert.equal(api.prompts.shown(), box, 'the box stays on screen while the other pick waits');
    await api.prompts.answer(); // Enter in the box: what was typed before the pick was asked for
    await typing;
    assert.match(await expiryOf(first.id), new RegExp(`^${date}T23:59:59`), 'the date typed in the box');

    await prompt(/When should the token expire\?/);
    assert.equal(api.prompts.waiting(), 0);
    await api.prompts.answer('7 days');
    await picking;
    const days = await daysLeft(second.id);
    assert.ok(days > 6 && days <= 7, `the second token expires in about 7 days, not ${days}`);
  });

  it('a prompt waiting for its turn says so in the status bar until its turn comes', async () => {
    // The extension's own window.setStatusBarMessage, watched (the test shares the extension's `vscode` API object).
    const win = vscode.window as unknown as { setStatusBarMessage: (text: string, ...rest: unknown[]) => vscode.Disposable };
    const real = win.setStatusBarMessage;
    const said: { text: string; gone: boolean }[] = [];
    win.setStatusBarMessage = (text: string, ...rest: unknown[]) => {
      const shown = (real as (...a: unknown[]) => vscode.Disposable).call(vscode.window, text, ...rest);
      const entry = { text, gone: false };
      said.push(entry);
      return new vscode.Disposable(() => {
        entry.gone = true;
        shown.dispose();
      });
    };
    const waitingSign = () => said.filter((m) => !m.gone && /Tessera: waiting for the open prompt to finish/.test(m.text));
    try {
      const [first, second] = [await newToken(), await newToken()];
      const open = changeExpiry(first);
      await prompt(/When should the token expire\?/);
      assert.deepEqual(waitingSign(), [], 'nothing waits yet');
      const queued = changeExpiry(second);
      await waiting(1);
      await waitFor('the status bar to say a prompt waits', () => waitingSign().length === 1 || undefined);
      await api.prompts.cancel(); // the open pick ends: the waiting one's turn
      await open;
      await waitFor('the second pick', () => (api.prompts.waiting() === 0 && api.prompts.shown()?.onScreen) || undefined);
      assert.deepEqual(waitingSign(), [], 'the sign is gone once its turn came');
      await api.prompts.answer('7 days');
      await queued;
      assert.ok(said.length >= 1, 'said once');
    } finally {
      win.setStatusBarMessage = real;
    }
  });

  it('Clone’s repository pick and the expiry pick, asked for together, open one after the other; each gets its own answer', async () => {
    const repoName = uniqueName('turn-repo');
    await createRepo({ api: client }, user, undefined, repoName);
    // A token git may use for the clone (the sign-in token is not one): no "Create one for git?" question.
    const gitToken = await api.services.api<{ id: number; token: string }>(account.id, 'POST', '/user/personal-access-tokens', { name: uniqueName('git'), scopes: ['repo'] });
    await api.services.rememberTokenSecret(account.id, gitToken.id, gitToken.token);
    const token = await newToken();
    const parent = fs.mkdtempSync(path.join(process.env.TESSERA_TEST_WORKDIR ?? '/tmp', 'turns-'));

    const cloning = api.cloneRepository({ parentDir: parent, open: 'none' });
    const changing = changeExpiry(token);
    const answers: [RegExp, (items: readonly string[]) => string | undefined][] = [
      [/Repository to clone/, (items) => items.find((i) => i.endsWith(`${user.login}/${repoName}`))],
      [/When should the token expire\?/, () => '60 days'],
    ];
    for (let left = answers.length; left > 0; left--) {
      // One on screen, the others waiting (Clone lists the repositories first, so either may open first).
      await waiting(left - 1);
      const shown = await waitFor('a prompt of the two', () => {
        const p = api.prompts.shown();
        return p && p.onScreen && !p.busy && answers.some(([re]) => re.test(p.prompt)) ? p : undefined;
      });
      const i = answers.findIndex(([re]) => re.test(shown.prompt));
      const label = answers[i]![1](shown.items);
      assert.ok(label, `${shown.prompt}: ${shown.items.join(', ')}`);
      answers.splice(i, 1);
      await api.prompts.answer(label);
    }
    const dest = await cloning;
    assert.equal(dest, path.join(parent, repoName));
    assert.ok(fs.existsSync(path.join(dest, '.git')), 'cloned the repository picked');
    await changing;
    const days = await daysLeft(token.id);
    assert.ok(days > 59 && days <= 60, `the token expires in about 60 days, not ${days}`);
  });
});
