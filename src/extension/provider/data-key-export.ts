// "Export the Embedded Provider's Data Key…": the one way to move an embedded provider whose users
// have two-factor to a team server. The key that encrypts their secrets lives only in VS Code's
// secret storage (data-key-storage.ts); `tessera migrate --from DIR --from-key FILE` needs it as a
// file. After a warning that says what the key opens, the user picks where it goes; the file is
// 0600, and the message gives the migrate command with both paths.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writePrivateFile } from '../private-file';
import { guardedSecrets } from '../secret-storage-unavailable';
import { TesseraError } from '../services';
import { DATA_KEY_SECRET } from './data-key-storage';

const EXPORT_NEEDS_SECRETS = "The embedded provider's data key is kept there and in no other place, so it cannot be exported until it works.";

/** Writes the data key (base64 on one line, as `secret.key` holds it) to `file`; false when there is none yet. */
export async function exportDataKey(secrets: vscode.SecretStorage, file: string): Promise<boolean> {
  const key = await guardedSecrets(secrets, EXPORT_NEEDS_SECRETS).get(DATA_KEY_SECRET);
  if (key === undefined) return false;
  await writePrivateFile(file, `${key}\n`);
  return true;
}

/** The command: warning, save dialog, the file; its path (undefined when cancelled or there is no key). */
export async function exportDataKeyInteractive(secrets: vscode.SecretStorage, dataDir: string): Promise<string | undefined> {
  if ((await guardedSecrets(secrets, EXPORT_NEEDS_SECRETS).get(DATA_KEY_SECRET)) === undefined) {
    void vscode.window.showInformationMessage('The embedded provider has no data key yet: it has never started in this VS Code, so there is nothing to move.');
    return undefined;
  }
  const go = await vscode.window.showWarningMessage(
    "Export the embedded provider's data key?",
    {
      modal: true,
      detail:
        'The key decrypts every two-factor secret the embedded provider keeps. Export it only to move the provider to a team server ' +
        "with 'tessera migrate --from-key', keep the file private, and delete it once the move is done.",
    },
    'Save Key…',
  );
  if (go !== 'Save Key…') return undefined;
  const target = await vscode.window.showSaveDialog({
    title: "Save the embedded provider's data key",
    defaultUri: vscode.Uri.file(path.join(os.homedir(), 'tessera-data.key')),
    saveLabel: 'Save Key',
  });
  if (!target) return undefined;
  if (target.scheme !== 'file') throw new TesseraError('validation', 'The data key can only be saved to a file on this machine.');
  await exportDataKey(secrets, target.fsPath);
  void vscode.window.showInformationMessage(
    `Saved the data key to ${target.fsPath} (readable by you only). Move the provider with: tessera migrate --from ${dataDir} --from-key ${target.fsPath}`,
  );
  return target.fsPath;
}
