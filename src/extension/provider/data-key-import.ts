// "Import the Embedded Provider's Data Key…": the way back when the key that encrypts the
// embedded provider's two-factor secrets is gone from VS Code's secret storage (code-server in
// another browser, a keyring reset) or replaced, and the provider refuses to start
// (DataKeyError: "Restore that key from a backup…"). The backup is a file written by "Export the
// Embedded Provider's Data Key…" (or a standalone provider's secret.key): base64 of 32 bytes.
//
// Only while the embedded provider is not running here or in another window (a running one has
// its key) and Tessera does not use a remote provider. The key goes into the secret storage, the
// provider restarts; when it still refuses the key (not this database's), the previous secret is
// put back and the provider's message is the answer.
import { constants as fsConstants, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { guardedSecrets } from '../secret-storage-unavailable';
import { TesseraError } from '../services';
import { DATA_KEY_SECRET } from './data-key-storage';
import type { ProviderDirectory } from './provider-directory';

const IMPORT_NEEDS_SECRETS = "The embedded provider's data key is kept there and in no other place, so it cannot be imported until it works.";

const KEY_BYTES = 32;
/** A key file is ~45 bytes; anything much larger is not one (and is not read whole). */
const MAX_KEY_FILE_BYTES = 1024;

export type ImportDataKeyResult =
  /** The provider runs with the imported key. */
  | { readonly outcome: 'imported'; readonly url: string }
  /** Nothing was changed: the provider runs, a remote provider is used, or the file is no data key. */
  | { readonly outcome: 'refused' | 'invalid'; readonly message: string }
  /** The provider refused the key; the previous secret is back. `message` is the provider's. */
  | { readonly outcome: 'wrong-key'; readonly message: string }
  /** The key is kept (the provider accepted it or never got to it), but the provider failed for another reason. */
  | { readonly outcome: 'failed'; readonly message: string };

/** Why the key cannot be imported now; undefined when it can. */
export function importDataKeyRefusal(providers: Pick<ProviderDirectory, 'setting' | 'configuredOrigin' | 'embedded'>): string | undefined {
  if (providers.setting().mode === 'remote') {
    return `Tessera uses the provider at ${providers.configuredOrigin()} (tessera.providerUrl); the embedded provider's data key is not used.`;
  }
  const s = providers.embedded.state;
  if (s.kind === 'hosting' || s.kind === 'shared') {
    return `The embedded provider is running (${s.url}${s.kind === 'shared' ? ', in another VS Code window' : ''}): it already has its data key, so there is nothing to import.`;
  }
  if (s.kind === 'starting') return 'The embedded provider is starting; wait until it has started or failed, then import the key if it still needs one.';
  return undefined;
}

/** The key in `file` (a Tessera data key: base64 of 32 bytes on one line); a TesseraError('validation') when it is not one. */
export async function readDataKeyFile(file: string): Promise<Buffer> {
  const notAKey = (why: string) =>
    new TesseraError('validation', `${file} is not a Tessera data key (${why}). Choose the file that "Export the Embedded Provider's Data Key…" wrote, or a provider's secret.key.`);
  let handle: fsp.FileHandle;
  try {
    // Non-blocking: a named pipe is not waited on (it is refused below, as a device is).
    handle = await fsp.open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    throw new TesseraError('validation', `Could not read ${file}: ${(err as Error).message}`);
  }
  let text: string;
  try {
    const stat = await handle.stat();
    // A pipe or a device (/dev/zero) has no size to check and may never end.
    if (!stat.isFile()) throw notAKey('it is not a regular file');
    const { size } = stat;
    if (size > MAX_KEY_FILE_BYTES) throw notAKey(`it has ${size} bytes; a data key file has about 45`);
    text = (await handle.readFile('utf8')).trim();
  } finally {
    await handle.close();
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw notAKey('it is not base64 on one line');
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== text) throw notAKey(`a data key is ${KEY_BYTES} bytes in base64; this is ${key.length} bytes`);
  return key;
}

/**
 * Imports the data key in `file` and restarts the embedded provider with it (no dialogs: the
 * command asks first; tests call this). The previous secret is restored when the provider still
 * refuses its key.
 */
export async function importDataKey(
  storage: vscode.SecretStorage,
  providers: Pick<ProviderDirectory, 'setting' | 'configuredOrigin' | 'embedded'>,
  file: string,
): Promise<ImportDataKeyResult> {
  const refusal = importDataKeyRefusal(providers);
  if (refusal) return { outcome: 'refused', message: refusal };
  let key: Buffer;
  try {
    key = await readDataKeyFile(file);
  } catch (err) {
    if (err instanceof TesseraError) return { outcome: 'invalid', message: err.message };
    throw err;
  }
  const secrets = guardedSecrets(storage, IMPORT_NEEDS_SECRETS);
  const embedded = providers.embedded;
  const previous = await secrets.get(DATA_KEY_SECRET);
  await secrets.store(DATA_KEY_SECRET, key.toString('base64'));
  await embedded.restart();
  const after = embedded.state;
  if (after.kind === 'hosting' || after.kind === 'shared') return { outcome: 'imported', url: after.url };
  if (after.kind === 'failed' && after.dataKey) {
    if (previous === undefined) await secrets.delete(DATA_KEY_SECRET);
    else await secrets.store(DATA_KEY_SECRET, previous);
    // The state then tells what the restored secret gives (the failure it had before).
    await embedded.restart();
    return { outcome: 'wrong-key', message: after.message };
  }
  return { outcome: 'failed', message: 'message' in after ? after.message : `The embedded provider is ${after.kind}.` };
}

/** The command: refusal, open dialog, the file checked, a confirmation, the import; the outcome (undefined when cancelled). */
export async function importDataKeyInteractive(
  secrets: vscode.SecretStorage,
  providers: Pick<ProviderDirectory, 'setting' | 'configuredOrigin' | 'embedded'>,
): Promise<ImportDataKeyResult | undefined> {
  const refusal = importDataKeyRefusal(providers);
  if (refusal) {
    void vscode.window.showInformationMessage(refusal);
    return { outcome: 'refused', message: refusal };
  }
  const picked = await vscode.window.showOpenDialog({
    title: "Import the embedded provider's data key",
    defaultUri: vscode.Uri.file(os.homedir()),
    openLabel: 'Import Key',
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
  });
  const source = picked?.[0];
  if (!source) return undefined;
  if (source.scheme !== 'file') throw new TesseraError('validation', 'The data key can only be read from a file on this machine.');
  await readDataKeyFile(source.fsPath); // a clear error before asking anything
  const hadKey = (await guardedSecrets(secrets, IMPORT_NEEDS_SECRETS).get(DATA_KEY_SECRET)) !== undefined;
  const go = await vscode.window.showWarningMessage(
    "Import this data key into the embedded provider?",
    {
      modal: true,
      detail:
        `The key in ${source.fsPath} goes into VS Code's secret storage${hadKey ? ', in place of the data key there now,' : ''} and the embedded provider restarts with it. ` +
        'If it is not the key the provider\'s two-factor secrets are encrypted with, the provider still does not start and the previous secret is put back.',
    },
    'Import Key',
  );
  if (go !== 'Import Key') return undefined;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Importing the data key and restarting the embedded Tessera provider…" },
    () => importDataKey(secrets, providers, source.fsPath),
  );
  switch (result.outcome) {
    case 'imported':
      void vscode.window.showInformationMessage(`Imported the data key: the embedded Tessera provider is running at ${result.url}. You can delete ${source.fsPath} if it is not your backup.`);
      break;
    case 'refused':
      void vscode.window.showInformationMessage(result.message);
      break;
    case 'wrong-key':
      void vscode.window.showErrorMessage(`That is not the embedded provider's data key; nothing was changed. ${result.message}`);
      break;
    default:
      void vscode.window.showErrorMessage(`Imported the data key, but the embedded provider did not start: ${result.message}`);
  }
  return result;
}
