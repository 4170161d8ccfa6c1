// Exporting and importing the embedded provider's data key when VS Code's secret storage fails
// (no keyring, a locked one): the user is told that the secret storage is not available and what
// that stops, as everywhere else Tessera uses it, not the keyring's bare message.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { exportDataKey } from '../../src/extension/provider/data-key-export';
import { importDataKey } from '../../src/extension/provider/data-key-import';
import { DATA_KEY_SECRET } from '../../src/extension/provider/data-key-storage';
import { SecretStorageUnavailableError } from '../../src/extension/secret-storage-unavailable';

/** A secret storage whose reads (or only its writes) fail as a locked keyring does. */
function brokenSecrets(values: Map<string, string>, failing: 'get' | 'store'): vscode.SecretStorage {
  const fail = () => Promise.reject(new Error('the keyring is locked'));
  return {
    get: async (k: string) => (failing === 'get' ? fail() : values.get(k)),
    store: async (k: string, v: string) => (failing === 'store' ? fail() : void values.set(k, v)),
    delete: async (k: string) => void values.delete(k),
    keys: async () => [...values.keys()],
    onDidChange: () => ({ dispose() {} }),
  } as unknown as vscode.SecretStorage;
}

/** The embedded provider as importDataKey sees it: stopped (it needs its key), in embedded mode. */
function stoppedProvider(): Parameters<typeof importDataKey>[1] {
  return {
    setting: () => ({ mode: 'embedded' }),
    configuredOrigin: () => 'https://127.0.0.1:1',
    embedded: {
      state: { kind: 'stopped' },
      restart: async () => assert.fail('the provider is not restarted when the key could not be stored'),
    },
  } as unknown as Parameters<typeof importDataKey>[1];
}

function unavailable(what: RegExp) {
  return (err: Error) => {
    assert.ok(err instanceof SecretStorageUnavailableError, `${err.name}: ${err.message}`);
    assert.match(err.message, /secret storage is not available \(the keyring is locked\)/);
    assert.match(err.message, what);
    return true;
  };
}

describe("core: the data key's export and import when the secret storage fails", function () {
  this.timeout(30_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(process.env.TESSERA_TEST_WORKDIR!, 'key-secrets-'));
    fs.chmodSync(dir, 0o700);
  });

  it('export: says the secret storage is not available and writes no file', async () => {
    const file = path.join(dir, 'exported.key');
    const values = new Map([[DATA_KEY_SECRET, crypto.randomBytes(32).toString('base64')]]);
    await assert.rejects(exportDataKey(brokenSecrets(values, 'get'), file), unavailable(/cannot be exported/));
    assert.equal(fs.existsSync(file), false);
  });

  it('import: says the secret storage is not available when it cannot be read or written, and changes nothing', async () => {
    const file = path.join(dir, 'backup.key');
    fs.writeFileSync(file, `${crypto.randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const previous = crypto.randomBytes(32).toString('base64');
    for (const failing of ['get', 'store'] as const) {
      const values = new Map([[DATA_KEY_SECRET, previous]]);
      await assert.rejects(importDataKey(brokenSecrets(values, failing), stoppedProvider(), file), unavailable(/cannot be imported/), failing);
      assert.equal(values.get(DATA_KEY_SECRET), previous, `${failing}: the key there stays`);
    }
  });
});
