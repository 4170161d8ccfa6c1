// "Clone Repository…" in the real extension host against the real embedded provider: where a clone
// may go (a new folder, or an existing empty one, as git allows; never a folder with something in
// it), stopping a clone from its progress notification (git is killed and what it wrote removed),
// and a provider git cannot reach (named, with "Retry"). The extension's own window.* functions are
// wrapped here (the test runs in the same extension host, so it shares the extension's `vscode`).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createRepo } from '../builders/repos';
import { uniqueName } from '../builders/unique-name';
import { createUser } from '../builders/users';
import { closeSignedInFixture, signedInFixture, waitFor, type SignedInFixture, accountOnDeadProvider, closedPort } from './core-helpers';

type Win = {
  withProgress: typeof vscode.window.withProgress;
  showOpenDialog: typeof vscode.window.showOpenDialog;
  showErrorMessage: typeof vscode.window.showErrorMessage;
  showInformationMessage: typeof vscode.window.showInformationMessage;
};

/** Sends every git this extension host starts for `origin` through a proxy at `port`, until undone. */
function proxyGitThrough(origin: string, port: number): () => void {
  const saved = { count: process.env.GIT_CONFIG_COUNT, no_proxy: process.env.no_proxy, NO_PROXY: process.env.NO_PROXY };
  const n = Number(process.env.GIT_CONFIG_COUNT ?? '0');
  process.env[`GIT_CONFIG_KEY_${n}`] = `http.${origin}/.proxy`;
  process.env[`GIT_CONFIG_VALUE_${n}`] = `http://127.0.0.1:${port}`;
  process.env.GIT_CONFIG_COUNT = String(n + 1);
  delete process.env.no_proxy;
  delete process.env.NO_PROXY;
  return () => {
    delete process.env[`GIT_CONFIG_KEY_${n}`];
    delete process.env[`GIT_CONFIG_VALUE_${n}`];
    for (const [k, v] of [['GIT_CONFIG_COUNT', saved.count], ['no_proxy', saved.no_proxy], ['NO_PROXY', saved.NO_PROXY]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

describe('repositories: cloning', function () {
  this.timeout(90_000);
  let f: SignedInFixture;
  let origin: string;
  let repoName: string;
  let gitToken: { id: number; token: string };
  const win = vscode.window as unknown as Win;
  const real = { withProgress: win.withProgress, showOpenDialog: win.showOpenDialog, showErrorMessage: win.showErrorMessage, showInformationMessage: win.showInformationMessage };
  const scratch = (prefix: string) => fs.mkdtempSync(path.join(process.env.TESSERA_TEST_WORKDIR ?? '/tmp', prefix));

  before(async () => {
    f = await signedInFixture('clone');
    origin = (await f.api.providerInfo()).origin;
    repoName = 'notes';
    await createRepo({ api: f.client }, f.user, undefined, repoName);
    // A token git may use (the sign-in token is not one): no "Create one for git?" question.
    gitToken = await f.api.services.api<{ id: number; token: string }>(f.account.id, 'POST', '/user/personal-access-tokens', { name: 'git', scopes: ['repo'] });
    await f.api.services.rememberTokenSecret(f.account.id, gitToken.id, gitToken.token);
  });

  afterEach(() => Object.assign(win, real));

  after(async () => {
    Object.assign(win, real);
    await closeSignedInFixture(f);
  });

  it('clones into an existing empty folder, as git does; a folder with something in it is refused and left as it was', async () => {
    const parent = scratch('clone-empty-');
    fs.mkdirSync(path.join(parent, repoName));
    const dest = await f.api.cloneRepository({ fullName: `${f.user.login}/${repoName}`, parentDir: parent, open: 'none' });
    assert.equal(dest, path.join(parent, repoName));
    assert.ok(fs.existsSync(path.join(dest, '.git')), 'cloned into the empty folder');

    const busy = scratch('clone-busy-');
    fs.mkdirSync(path.join(busy, repoName));
    fs.writeFileSync(path.join(busy, repoName, 'keep.txt'), 'mine\n');
    await assert.rejects(
      f.api.cloneRepository({ fullName: `${f.user.login}/${repoName}`, parentDir: busy, open: 'none' }),
      (e: Error & { kind?: string }) => e.kind === 'validation' && e.message.includes(path.join(busy, repoName)) && /not empty/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(path.join(busy, repoName)), ['keep.txt'], 'nothing written into it');
  });

  it('Cancel on the progress notification stops git and removes the folder the clone made', async () => {
    // A proxy that takes git's connection and never answers: the clone runs until it is stopped.
    const sockets = new Set<net.Socket>();
    const closed = new Set<net.Socket>();
    const proxy = net.createServer((s) => {
      sockets.add(s);
      s.resume(); // read (and drop) git's CONNECT, so that its end is seen
      s.on('close', () => closed.add(s));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const undo = proxyGitThrough(origin, (proxy.address() as net.AddressInfo).port);
    const cancel = new vscode.CancellationTokenSource();
    let options: vscode.ProgressOptions | undefined;
    win.withProgress = ((opts: vscode.ProgressOptions, task: (p: unknown, t: vscode.CancellationToken) => Thenable<unknown>) => {
      if (!/^Cloning /.test(opts.title ?? '')) return real.withProgress.call(vscode.window, opts, task as never);
      options = opts;
      // What a click on the notification's Cancel button does to the task's token.
      return real.withProgress.call(vscode.window, opts, (p, t) => {
        t.onCancellationRequested(() => cancel.cancel());
        return task(p, cancel.token);
      });
    }) as Win['withProgress'];
    const parent = scratch('clone-cancel-');
    const clone = f.api.cloneRepository({ fullName: `${f.user.login}/${repoName}`, parentDir: parent, open: 'none' });
    clone.catch(() => undefined); // awaited below
    try {
      await waitFor('git to reach the proxy', () => sockets.size > 0 || undefined);
      assert.ok(fs.existsSync(path.join(parent, repoName)), 'git made the folder before connecting');
      assert.equal(options?.cancellable, true, 'the progress notification offers Cancel');
      cancel.cancel();
      assert.equal(await clone, undefined, 'a cancelled clone answers nothing (and shows no error)');
      assert.deepEqual(fs.readdirSync(parent), [], 'the folder the clone made is gone');
      await waitFor('git to let go of its connection', () => [...sockets].every((s) => closed.has(s)) || undefined);
    } finally {
      undo();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => proxy.close(() => r()));
      await clone.catch(() => undefined);
    }
  });

  it('declining the offer of a token for git: the clone is refused for want of a token, in those words', async () => {
    const other = await createUser({ api: f.client }, { login: uniqueName('other') });
    await createRepo({ api: f.client }, other, undefined, 'secret');
    // "Tessera has no token that can read …: Create one for git?" is not answered.
    win.showInformationMessage = (async () => undefined) as Win['showInformationMessage'];
    const parent = scratch('clone-no-token-');
    await f.api.services.forgetTokenSecret(f.account.id, gitToken.id); // no token for git at all
    try {
      await assert.rejects(
        f.api.cloneRepository({ fullName: `${other.login}/secret`, parentDir: parent, open: 'none' }),
        (e: Error & { kind?: string }) => e.kind === 'forbidden' && e.message.includes(`could not read ${other.login}/secret without a token`),
      );
    } finally {
      await f.api.services.rememberTokenSecret(f.account.id, gitToken.id, gitToken.token);
    }
    assert.deepEqual(fs.readdirSync(parent), [], 'no partial clone left');
  });

  it('a provider git cannot reach: the error names it, under the command’s title, with Retry; nothing is left behind', async () => {
    const port = await closedPort();
    const undo = proxyGitThrough(origin, port);
    const parent = scratch('clone-down-');
    const shown: { message: string; actions: string[] }[] = [];
    win.showOpenDialog = (async () => [vscode.Uri.file(parent)]) as Win['showOpenDialog'];
    win.showErrorMessage = (async (message: string, ...actions: unknown[]) => {
      shown.push({ message, actions: actions.filter((a): a is string => typeof a === 'string') });
      return undefined;
    }) as unknown as Win['showErrorMessage'];
    try {
      await vscode.commands.executeCommand('tessera.cloneRepository', { fullName: `${f.user.login}/${repoName}` });
      await waitFor('the error', () => shown[0]);
    } finally {
      undo();
    }
    const { message, actions } = shown[0]!;
    assert.match(message, /^Clone Repository: /, message);
    assert.ok(message.includes(`${origin} is not reachable`), message);
    assert.ok(actions.includes('Retry'), actions.join(', '));
    assert.deepEqual(fs.readdirSync(parent), [], 'no partial clone left');
  });

  it('a Repositories row of an account on another provider clones from that provider, not the configured one', async () => {
    // An account another window signed in at a team server (which is down now).
    const { id, origin: elsewhere, port } = await accountOnDeadProvider(f.api, { userId: 81, login: f.user.login });
    // git asking for a token there hears that its provider is down (not "no token fits", with an
    // offer to create one, or to create the repository).
    await assert.rejects(f.api.selectCredentials(`${elsewhere}/${f.user.login}/${repoName}.git`, 'fetch'), (e: Error & { kind?: string }) => e.kind === 'provider-down' && e.message.includes(elsewhere));
    const parent = scratch('clone-elsewhere-');
    const shown: string[] = [];
    win.showOpenDialog = (async () => [vscode.Uri.file(parent)]) as Win['showOpenDialog'];
    win.showInformationMessage = (async () => undefined) as Win['showInformationMessage']; // "Cloned …: Open?" is not answered
    win.showErrorMessage = (async (message: string) => {
      shown.push(message);
      return undefined;
    }) as unknown as Win['showErrorMessage'];
    try {
      // The same name exists on the embedded provider: cloning it from there would succeed.
      const dest = await vscode.commands.executeCommand('tessera.cloneRepository', { accountId: id, fullName: `${f.user.login}/${repoName}` });
      assert.equal(dest, undefined, 'nothing cloned from the configured provider');
      await waitFor('the error', () => shown[0]);
      assert.ok(shown[0]!.includes(`127.0.0.1:${port}`), `names the account's provider: ${shown[0]}`);
      assert.deepEqual(fs.readdirSync(parent), []);
    } finally {
      await f.api.signOut(id).catch(() => undefined);
    }
  });
});
