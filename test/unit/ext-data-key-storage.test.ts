// The embedded provider's data key source (src/extension/provider/data-key-storage.ts): the key
// round-trips through the secret storage as base64; a secret storage that fails is reported as
// unavailable (never worked around).
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';
import { DATA_KEY_SECRET, secretStorageDataKey } from '../../src/extension/provider/data-key-storage';
import { isDataKeyError, DATA_KEY_ERROR_CODE as EXTENSION_CODE } from '../../src/extension/provider/provider-module';
import { SecretStorageUnavailableError } from '../../src/extension/secret-storage-unavailable';
import { DATA_KEY_ERROR_CODE, DataKeyError } from '../../src/provider/secrets/data-key';

function storage(values: Map<string, string>, failing = false): vscode.SecretStorage {
  const fail = () => Promise.reject(new Error('no keyring'));
  return {
    get: async (k: string) => (failing ? fail() : values.get(k)),
    store: async (k: string, v: string) => (failing ? fail() : void values.set(k, v)),
    delete: async (k: string) => void values.delete(k),
    keys: async () => [...values.keys()],
    onDidChange: () => ({ dispose() {} }),
  } as unknown as vscode.SecretStorage;
}

describe('embedded provider data key in SecretStorage', () => {
  it('has no key at first, then the saved key, stored as base64 under its own name', async () => {
    const values = new Map<string, string>();
    const source = secretStorageDataKey(storage(values));
    assert.equal(await source.load(), undefined);
    const key = randomBytes(32);
    await source.save(key);
    assert.equal(values.get(DATA_KEY_SECRET), key.toString('base64'));
    assert.deepEqual(Buffer.from((await source.load())!), key);
    assert.match(source.where, /secret storage/);
  });

  it('says the secret storage is unavailable, and that the key has no other place, when it fails', async () => {
    const source = secretStorageDataKey(storage(new Map(), true));
    await assert.rejects(source.load(), (err: Error) => {
      assert.ok(err instanceof SecretStorageUnavailableError);
      assert.match(err.message, /secret storage is not available \(no keyring\)/);
      assert.match(err.message, /in no other place/);
      return true;
    });
    await assert.rejects(source.save(randomBytes(32)), SecretStorageUnavailableError);
  });

  it('refuses a stored value that is not a 32-byte key', async () => {
    const source = secretStorageDataKey(storage(new Map([[DATA_KEY_SECRET, 'c2hvcnQ=']])));
    await assert.rejects(source.load(), (err: Error) => {
      assert.match(err.message, /not a Tessera data key/);
      assert.ok(isDataKeyError(err), 'a data key failure (the extension offers Import Data Key…)');
      return true;
    });
  });

  it("tells the provider's DataKeyError by its code (the provider is another bundle: no instanceof)", () => {
    assert.equal(EXTENSION_CODE, DATA_KEY_ERROR_CODE);
    assert.ok(isDataKeyError(new DataKeyError('the database holds secrets…')));
    assert.ok(!isDataKeyError(new Error('EADDRINUSE')));
    assert.ok(!isDataKeyError(undefined));
  });
});
