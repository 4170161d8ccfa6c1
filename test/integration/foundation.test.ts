// Foundation: inside the real workbench, the extension activates, answers for its authentication
// provider, registers every command its manifest contributes, and vscode.git's API is reachable.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';

const EXTENSION_ID = 'tessera-dev.tessera';

/** The part of vscode.git's API (extensions/git/src/api/git.d.ts) these tests touch. */
interface GitApi {
  registerCredentialsProvider(provider: unknown): vscode.Disposable;
}
interface GitExtension {
  getAPI(version: 1): GitApi;
}

function withTimeout<T>(p: Thenable<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    Promise.resolve(p),
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)),
  ]);
}

describe('foundation: Tessera in the real workbench', () => {
  let extension: vscode.Extension<unknown>;

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not loaded; loaded: ${vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ')}`);
    extension = found;
  });

  it('runs with the harness settings and scratch folders', () => {
    const port = Number(process.env.TESSERA_TEST_EMBEDDED_PORT);
    assert.ok(port > 0, 'TESSERA_TEST_EMBEDDED_PORT is not set: run through test/harness/run-exthost.mjs');
    assert.equal(vscode.workspace.getConfiguration('tessera').get<number>('embeddedPort'), port,
      'tessera.embeddedPort must be the per-run port, so tests never meet a user\'s running provider');
    assert.ok(fs.statSync(process.env.TESSERA_TEST_WORKDIR ?? '').isDirectory(), 'TESSERA_TEST_WORKDIR is not a directory');
    assert.equal(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, process.env.TESSERA_TEST_WORKSPACE);
  });

  it('where to sign in is a user setting only: a workspace cannot set tessera.providerUrl or tessera.embeddedPort', async () => {
    const config = vscode.workspace.getConfiguration('tessera');
    for (const key of ['providerUrl', 'embeddedPort']) {
      await assert.rejects(
        Promise.resolve(config.update(key, key === 'providerUrl' ? 'https://tessera-login.example' : 1, vscode.ConfigurationTarget.Workspace)),
        (e: Error) => /only into User settings/i.test(e.message) || assert.fail(`${key}: ${e.message}`),
        key,
      );
      assert.equal(config.inspect(key)?.workspaceValue, undefined, key);
    }
  });

  it('activates', async () => {
    await withTimeout(extension.activate(), 30_000, `activating ${EXTENSION_ID}`);
    assert.equal(extension.isActive, true);
  });

  it("answers vscode.authentication.getAccounts('tessera') with an array", async () => {
    await extension.activate();
    const accounts = await withTimeout(vscode.authentication.getAccounts('tessera'), 20_000, "getAccounts('tessera')");
    assert.ok(Array.isArray(accounts), `getAccounts answered ${JSON.stringify(accounts)}`);
    for (const a of accounts) assert.equal(typeof a.label, 'string');
  });

  it('registers every command contributed in package.json', async () => {
    await extension.activate();
    const manifest = extension.packageJSON as { contributes?: { commands?: { command: string }[] } };
    const contributed = (manifest.contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.ok(missing.length === 0,
      `${missing.length} of ${contributed.length} contributed commands are not registered after activation: ${missing.join(', ')}`);
  });

  it("reaches vscode.git's API (getAPI(1).registerCredentialsProvider)", async () => {
    const git = vscode.extensions.getExtension<GitExtension>('vscode.git');
    assert.ok(git, 'the built-in vscode.git extension is not present');
    const exports = git.isActive ? git.exports : await withTimeout(git.activate(), 30_000, 'activating vscode.git');
    const api = exports.getAPI(1);
    assert.equal(typeof api.registerCredentialsProvider, 'function');
  });
});
