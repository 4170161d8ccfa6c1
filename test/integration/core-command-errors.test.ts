// How a command's error is shown (registerCommand → services.showError), in the real extension
// host: a team server that is down is named and "Retry" runs the command again with the same
// arguments. The extension's own window.show*Message are answered here (the test runs in the same
// extension, so it shares the extension's `vscode` API object).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { tesseraApi, waitFor, accountOnDeadProvider } from './core-helpers';
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
