// "Tessera: Import the Embedded Provider's Data Key (restore it from a backup)…" as a person runs
// it, in the real extension host on the real embedded provider: the command, its open dialog and
// its modal confirmation (VS Code's own dialogs, not Tessera's QuickInput: the extension's
// window.* functions are answered here, as the test shares the extension's `vscode`). Cancelled
// at each step, given files that are no data key, a file that is not on this machine, another
// key, and the backup; reached from the error of a restart that fails for the key. No message
// ever holds the key.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TesseraApi } from '../../src/extension/test-api';
import { DATA_KEY_SECRET } from '../../src/extension/provider/data-key-storage';
import { enableTwoFactor } from '../builders/two-factor';
import { uniqueName } from '../builders/unique-name';
import { createUser } from '../builders/users';
import { providerClient, tesseraApi, waitFor } from './core-helpers';

type Win = {
  showOpenDialog: typeof vscode.window.showOpenDialog;
  showWarningMessage: typeof vscode.window.showWarningMessage;
  showInformationMessage: typeof vscode.window.showInformationMessage;
  showErrorMessage: typeof vscode.window.showErrorMessage;
};

interface Shown {
  kind: 'open' | 'confirm' | 'info' | 'warning' | 'error';
  message: string;
  detail?: string;
  actions: string[];
}

describe("core: the Import Data Key command's dialogs", function () {
  this.timeout(120_000);
  let api: TesseraApi;
  let original: string;
  let dir: string;
  let backup: string;
  const win = vscode.window as unknown as Win;
  const real: Win = { showOpenDialog: win.showOpenDialog, showWarningMessage: win.showWarningMessage, showInformationMessage: win.showInformationMessage, showErrorMessage: win.showErrorMessage };
  let shown: Shown[];

  /**
   * Answers the command's dialogs: the open dialog with `open` (undefined: cancelled), the modal
   * confirmation with `confirm` (undefined: cancelled), any other message with `choose` when it
   * offers that action. Everything shown is recorded in `shown`.
   */
  function answer(open: vscode.Uri[] | undefined, confirm?: string, choose?: string): void {
    win.showOpenDialog = (async (options?: vscode.OpenDialogOptions) => {
      shown.push({ kind: 'open', message: options?.title ?? '', actions: [options?.openLabel ?? ''] });
      assert.equal(options?.canSelectMany, false);
      assert.equal(options?.canSelectFolders, false);
      return open;
    }) as Win['showOpenDialog'];
    const message = (kind: 'info' | 'warning' | 'error') =>
      (async (text: string, ...rest: unknown[]) => {
        const options = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as vscode.MessageOptions) : undefined;
        const actions = rest.filter((a): a is string => typeof a === 'string');
        if (options?.modal) {
          shown.push({ kind: 'confirm', message: text, detail: options.detail, actions });
          return confirm;
        }
        shown.push({ kind, message: text, actions });
        return choose !== undefined && actions.includes(choose) ? choose : undefined;
      }) as unknown as Win['showInformationMessage'];
    win.showInformationMessage = message('info');
    win.showWarningMessage = message('warning');
    win.showErrorMessage = message('error') as unknown as Win['showErrorMessage'];
  }

  const importCommand = () => vscode.commands.executeCommand<{ outcome: string; message?: string; url?: string } | undefined>('tessera.importDataKey');
  const keyFile = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text, { mode: 0o600 });
    return file;
  };
  const kinds = () => shown.map((s) => s.kind);
  const errorShown = () => waitFor('the error shown', () => shown.find((s) => s.kind === 'error'));

  /** The provider refuses to start: SecretStorage holds another key (a keyring reset, another browser). */
  async function loseTheKey(replacement: string | undefined): Promise<void> {
    if (replacement === undefined) await api.deleteSecretRaw(DATA_KEY_SECRET);
    else await api.writeSecretRaw(DATA_KEY_SECRET, replacement);
    await api.embedded.restart();
    const s = api.embedded.state();
    assert.equal(s.kind === 'failed' && s.dataKey, true, `the provider fails for its data key: ${JSON.stringify(s)}`);
  }

  before(async () => {
    api = await tesseraApi();
    assert.equal((await api.providerInfo()).mode, 'hosting');
    original = (await api.readSecretRaw(DATA_KEY_SECRET))!;
    assert.ok(original, 'the provider has a data key');
    // A user with two-factor: the database holds a secret sealed with the key, so no other key opens it.
    const client = await providerClient(api);
    try {
      await enableTwoFactor({ api: client }, await createUser({ api: client }, { login: uniqueName('keydialog') }));
    } finally {
      await client.close();
    }
    dir = fs.mkdtempSync(path.join(process.env.TESSERA_TEST_WORKDIR!, 'key-dialog-'));
    fs.chmodSync(dir, 0o700);
    backup = path.join(dir, 'tessera-data.key');
    assert.equal(await api.exportDataKey(backup), true);
  });
  beforeEach(() => (shown = []));
  afterEach(function () {
    Object.assign(win, real);
    const all = shown.map((s) => `${s.message}\n${s.detail ?? ''}`).join('\n');
    assert.ok(!all.includes(original), `a message holds the data key (${this.currentTest?.title})`);
  });
  after(async () => {
    Object.assign(win, real);
    if ((await api.readSecretRaw(DATA_KEY_SECRET)) !== original) await api.writeSecretRaw(DATA_KEY_SECRET, original);
    const s = api.embedded.state();
    if (s.kind !== 'hosting' && s.kind !== 'shared') await api.embedded.restart();
    assert.equal((await api.providerInfo()).mode, 'hosting');
  });

  it('while the provider runs: says it has its key and shows no dialog', async () => {
    answer([vscode.Uri.file(backup)], 'Import Key');
    const result = await importCommand();
    assert.equal(result?.outcome, 'refused');
    assert.deepEqual(kinds(), ['info']);
    assert.match(shown[0]!.message, /The embedded provider is running \(https?:\/\/[^)]+\): it already has its data key, so there is nothing to import\./);
    assert.equal(await api.readSecretRaw(DATA_KEY_SECRET), original);
  });

  describe('when the provider refuses to start for its key', function () {
    const other = crypto.randomBytes(32).toString('base64');
    before(async () => loseTheKey(other));

    const unchanged = async () => {
      assert.equal(await api.readSecretRaw(DATA_KEY_SECRET), other, 'the secret is unchanged');
      const s = api.embedded.state();
      assert.equal(s.kind === 'failed' && s.dataKey, true, 'the provider is still down for its key');
    };

    it('cancelled in the open dialog (Escape, or nothing chosen): nothing else is asked, nothing changes', async () => {
      for (const open of [undefined, []]) {
        shown = [];
        answer(open, 'Import Key');
        assert.equal(await importCommand(), undefined);
        assert.deepEqual(kinds(), ['open'], 'no confirmation, no message');
        assert.equal(shown[0]!.message, "Import the embedded provider's data key");
        assert.deepEqual(shown[0]!.actions, ['Import Key']);
        await unchanged();
      }
    });

    it('files that are no data key: the error names the file and why, before any confirmation; nothing changes', async () => {
      const cases: [string, RegExp][] = [
        [keyFile('garbage.key', 'this is not a key\n'), /is not a Tessera data key \(it is not base64 on one line\)/],
        [keyFile('short.key', `${crypto.randomBytes(16).toString('base64')}\n`), /is not a Tessera data key \(a data key is 32 bytes in base64; this is 16 bytes\)/],
        [keyFile('two-lines.key', `${other}\n${other}\n`), /is not a Tessera data key \(it is not base64 on one line\)/],
        [keyFile('empty.key', ''), /is not a Tessera data key \(it is not base64 on one line\)/],
        [keyFile('big.key', 'A'.repeat(4096)), /is not a Tessera data key \(it has 4096 bytes; a data key file has about 45\)/],
        [path.join(dir, 'missing.key'), /Could not read .*missing\.key: ENOENT/],
        [fs.mkdtempSync(path.join(dir, 'a-folder-')), /is not a Tessera data key \(it is not a regular file\)/],
      ];
      for (const [file, why] of cases) {
        shown = [];
        answer([vscode.Uri.file(file)], 'Import Key');
        assert.equal(await importCommand(), undefined, file);
        const error = await errorShown();
        assert.ok(error.message.startsWith('Import Data Key: '), error.message);
        assert.ok(error.message.includes(file), `names the file: ${error.message}`);
        assert.match(error.message, why);
        assert.ok(!kinds().includes('confirm'), `${file}: no confirmation for a file that is no key`);
        assert.ok(!error.message.includes(other), 'the message does not hold the file\'s text');
        await unchanged();
      }
    });

    it('a named pipe or a device is refused without reading from it (a pipe would be waited on, /dev/zero read without end)', async () => {
      const fifo = path.join(dir, 'pipe.key');
      const made = spawnSync('mkfifo', [fifo]);
      assert.equal(made.status, 0, String(made.stderr));
      // Someone writes a well-formed key into the pipe once it is opened for reading.
      const writer = fs.createWriteStream(fifo);
      const written = new Promise<void>((resolve) => writer.on('close', resolve).on('error', () => resolve()));
      writer.end(`${crypto.randomBytes(32).toString('base64')}\n`);
      answer([vscode.Uri.file(fifo)], 'Import Key');
      try {
        assert.equal(await importCommand(), undefined);
      } finally {
        // Whatever the command did, the writer is let go (a reader that opens and leaves).
        const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
        await written;
        fs.closeSync(reader);
      }
      assert.ok(!kinds().includes('confirm'), 'no confirmation for a pipe');
      let error = await errorShown();
      assert.ok(error.message.includes(`${fifo} is not a Tessera data key (it is not a regular file)`), error.message);
      await unchanged();

      shown = [];
      answer([vscode.Uri.file('/dev/zero')], 'Import Key');
      assert.equal(await importCommand(), undefined);
      error = await errorShown();
      assert.ok(error.message.includes('/dev/zero is not a Tessera data key (it is not a regular file)'), error.message);
      assert.ok(!kinds().includes('confirm'));
      await unchanged();
    });

    it('a file that is not on this machine is refused before it is read', async () => {
      answer([vscode.Uri.parse('vscode-remote://ssh-remote+elsewhere/home/me/tessera-data.key')], 'Import Key');
      assert.equal(await importCommand(), undefined);
      const error = await errorShown();
      assert.equal(error.message, 'Import Data Key: The data key can only be read from a file on this machine.');
      assert.ok(!kinds().includes('confirm'));
      await unchanged();
    });

    it('cancelled at the confirmation (which names the file and that the key there now is replaced): nothing changes', async () => {
      answer([vscode.Uri.file(backup)], undefined);
      assert.equal(await importCommand(), undefined);
      assert.deepEqual(kinds(), ['open', 'confirm']);
      const confirm = shown[1]!;
      assert.equal(confirm.message, 'Import this data key into the embedded provider?');
      assert.deepEqual(confirm.actions, ['Import Key']);
      assert.ok(confirm.detail?.includes(`The key in ${backup} goes into VS Code's secret storage, in place of the data key there now,`), confirm.detail);
      await unchanged();
    });

    it("another key, confirmed: 'not the embedded provider's data key', the previous secret is back", async () => {
      const wrong = keyFile('wrong.key', `${crypto.randomBytes(32).toString('base64')}\n`);
      answer([vscode.Uri.file(wrong)], 'Import Key');
      const result = await importCommand();
      assert.equal(result?.outcome, 'wrong-key', JSON.stringify(result));
      const error = await errorShown();
      assert.match(error.message, /^That is not the embedded provider's data key; nothing was changed\. .*is not the key the secrets/);
      await unchanged();
    });

    it('the backup, confirmed: the provider runs again with it, and the message says where', async () => {
      answer([vscode.Uri.file(backup)], 'Import Key');
      const result = await importCommand();
      assert.equal(result?.outcome, 'imported', JSON.stringify(result));
      assert.equal(await api.readSecretRaw(DATA_KEY_SECRET), original);
      assert.equal(api.embedded.state().kind, 'hosting');
      const info = await waitFor('the message', () => shown.find((s) => s.kind === 'info'));
      assert.equal(info.message, `Imported the data key: the embedded Tessera provider is running at ${result!.url}. You can delete ${backup} if it is not your backup.`);
    });
  });

  describe('when SecretStorage lost the key', function () {
    it('the restart error offers Import Data Key…, which opens the dialog; the confirmation says no key is replaced', async () => {
      await loseTheKey(undefined);
      answer([vscode.Uri.file(backup)], 'Import Key', 'Import Data Key…');
      await vscode.commands.executeCommand('tessera.restartProvider');
      const error = await errorShown();
      assert.ok(error.actions.includes('Import Data Key…'), `actions: ${error.actions.join(', ')}`);
      assert.ok(!error.actions.includes('Restart Provider'), 'a restart does not mend a missing key');
      await waitFor('the import to run from the error', () => (api.embedded.state().kind === 'hosting' ? true : undefined), 60_000);
      const confirm = shown.find((s) => s.kind === 'confirm')!;
      assert.ok(confirm, 'the import asked to confirm');
      assert.ok(confirm.detail?.startsWith(`The key in ${backup} goes into VS Code's secret storage and the embedded provider restarts with it.`), confirm.detail);
      assert.equal(await api.readSecretRaw(DATA_KEY_SECRET), original);
    });
  });
});
