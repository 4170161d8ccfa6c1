// The embedded provider's data key (the key that encrypts the two-factor secrets in its database)
// lives in VS Code's secret storage, never in the data folder. When the secret storage cannot be
// used the provider does not start: there is no second place for the key.
import type * as vscode from 'vscode';
import { guardedSecrets } from '../secret-storage-unavailable';
import { DATA_KEY_ERROR_CODE, type DataKeySource } from './provider-module';

export const DATA_KEY_SECRET = 'tessera.provider.dataKey';
const KEY_BYTES = 32;

const PROVIDER_NEEDS_SECRETS =
  `The embedded provider keeps the key that encrypts its two-factor secrets there and in no other place, ` +
  `so it cannot start. Make the system keyring available to VS Code, or use a standalone provider ('tessera serve') with the setting 'tessera.providerUrl'`;

export function secretStorageDataKey(storage: vscode.SecretStorage): DataKeySource {
  const secrets = guardedSecrets(storage, PROVIDER_NEEDS_SECRETS);
  return {
    where: `VS Code's secret storage (${DATA_KEY_SECRET})`,
    async load() {
      const text = await secrets.get(DATA_KEY_SECRET);
      if (text === undefined) return undefined;
      const key = Buffer.from(text, 'base64');
      if (key.length !== KEY_BYTES) {
        throw Object.assign(new Error(`the secret ${DATA_KEY_SECRET} is not a Tessera data key`), { code: DATA_KEY_ERROR_CODE });
      }
      return key;
    },
    async save(key) {
      await secrets.store(DATA_KEY_SECRET, Buffer.from(key).toString('base64'));
    },
  };
}
