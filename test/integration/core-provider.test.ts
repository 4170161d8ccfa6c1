// The embedded provider's lifecycle in the real extension host: fast activation with the provider
// starting in the background, HTTPS with the local CA in global storage, sharing one provider
// between windows (a provider started here by the test plays "the other window"), taking over
// when it disappears, and a clear message when the port is taken by something else.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TesseraApi } from '../../src/extension/test-api';
import { ApiClient } from '../builders/api-client';
import { providerClient, tesseraApi, waitFor } from './core-helpers';
import { uniqueName } from '../builders/unique-name';
import { createUser } from '../builders/users';

interface DataKeySource {
  where: string;
  load(): Promise<Uint8Array | undefined>;
  save(key: Uint8Array): Promise<void>;
}

interface ProviderModule {
  startProvider(opts: { dataDir: string; port: number; host: string; tls: 'auto'; dataKey?: DataKeySource }): Promise<{ url: string; caCertPath?: string; close(): Promise<void> }>;
}

/** Another window of the same profile finds the data key where this one keeps it. */
function sameProfileDataKey(api: TesseraApi): DataKeySource {
  return {
    where: 'the test window\'s secret storage',
    load: async () => {
      const text = await api.readSecretRaw('tessera.provider.dataKey');
      return text === undefined ? undefined : Buffer.from(text, 'base64');
    },
    save: async () => {
      throw new Error('the window that started first made the data key');
    },
  };
}

describe('core: the embedded provider', function () {
  this.timeout(90_000);
  let api: TesseraApi;

  before(async () => {
    api = await tesseraApi();
  });

  it('activate() returns at once (the time is printed, not asserted) and the provider starts in the background', async () => {
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs >= 0);
    console.log(`      activate() took ${api.activationMs.toFixed(1)} ms`);
    const info = await api.providerInfo();
    assert.equal(info.mode, 'hosting', 'the only window runs the provider itself');
    assert.equal(info.origin, `https://127.0.0.1:${process.env.TESSERA_TEST_EMBEDDED_PORT}`);
  });

  it('serves HTTPS with its local CA, data in the extension global storage', async () => {
    const info = await api.providerInfo();
    assert.equal(info.dataDir, path.join(api.paths.globalStorage, 'provider'));
    assert.ok(info.caCertPath && fs.existsSync(info.caCertPath), `CA at ${info.caCertPath}`);
    assert.ok(info.caCertPath.startsWith(info.dataDir!));
    const client = await providerClient(api);
    try {
      const health = await client.get('/-/health');
      assert.equal(health.status, 200);
      assert.equal(health.json.service, 'tessera');
    } finally {
      await client.close();
    }
    assert.deepEqual(api.services.providerState(), { origin: info.origin, up: true });
  });

  it('uses the provider of another window, and takes over within seconds when that window goes away', async () => {
    const before = await api.providerInfo();
    const port = Number(new URL(before.origin).port);
    await api.embedded.stop();
    // "Another window": the same bundle, the same data folder, the same port.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the lazily built bundle, loaded as the extension loads it
    const mod = require(path.join(vscode.extensions.getExtension('tessera-dev.tessera')!.extensionPath, 'dist', 'provider.js')) as ProviderModule;
    const other = await mod.startProvider({ dataDir: api.embedded.dataDir, port, host: '127.0.0.1', tls: 'auto', dataKey: sameProfileDataKey(api) });
    let otherClosed = false;
    try {
      api.embedded.start();
      const shared = await api.providerInfo();
      assert.equal(shared.mode, 'shared', 'a running Tessera provider of the same data is used, not replaced');
      assert.equal(shared.origin, before.origin);
      const down = Date.now();
      await other.close();
      otherClosed = true;
      await waitFor('this window to take over', () => (api.embedded.state().kind === 'hosting' ? true : undefined), 15_000, 100);
      console.log(`      took over ${((Date.now() - down) / 1000).toFixed(1)} s after the other provider stopped`);
      const client = await providerClient(api);
      try {
        assert.equal((await client.get('/-/health')).status, 200);
      } finally {
        await client.close();
      }
    } finally {
      if (!otherClosed) await other.close();
    }
  });

  it('a port taken by something else gives a message naming tessera.embeddedPort, and recovers when the setting changes back', async () => {
    const original = vscode.workspace.getConfiguration('tessera').inspect<number>('embeddedPort')?.globalValue;
    const squatter = net.createServer((s) => s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi'));
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', () => r()));
    const busyPort = (squatter.address() as net.AddressInfo).port;
    try {
      await vscode.workspace.getConfiguration('tessera').update('embeddedPort', busyPort, vscode.ConfigurationTarget.Global);
      const state = await waitFor('the port conflict', () => {
        const s = api.embedded.state();
        return s.kind === 'port-conflict' ? s : undefined;
      });
      assert.match(state.message, new RegExp(`Port ${busyPort}`));
      assert.match(state.message, /tessera\.embeddedPort/);
      const ps = api.services.providerState();
      assert.equal(ps.up, false);
      assert.match(ps.message ?? '', /tessera\.embeddedPort/);
      await assert.rejects(api.providerInfo(), (e: Error) => /tessera\.embeddedPort/.test(e.message));
    } finally {
      await vscode.workspace.getConfiguration('tessera').update('embeddedPort', original, vscode.ConfigurationTarget.Global);
      squatter.close();
    }
    await waitFor('the provider back on its port', () => (api.embedded.state().kind === 'hosting' ? true : undefined), 20_000);
    assert.equal((await api.providerInfo()).origin, `https://127.0.0.1:${process.env.TESSERA_TEST_EMBEDDED_PORT}`);
  });

  it("tessera.providerUrl = a standalone provider's URL: the same client signs in and calls it (CA from tessera.caFile)", async () => {
    const ext = vscode.extensions.getExtension('tessera-dev.tessera')!;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the lazily built bundle, loaded as the extension loads it
    const mod = require(path.join(ext.extensionPath, 'dist', 'provider.js')) as ProviderModule;
    const dataDir = fs.mkdtempSync(path.join(process.env.TESSERA_TEST_WORKDIR!, 'standalone-'));
    const standalone = await mod.startProvider({ dataDir, port: 0, host: '127.0.0.1', tls: 'auto' });
    const config = vscode.workspace.getConfiguration('tessera');
    try {
      await config.update('caFile', standalone.caCertPath, vscode.ConfigurationTarget.Global);
      await config.update('providerUrl', standalone.url, vscode.ConfigurationTarget.Global);
      await waitFor('remote mode', () => (api.services.providerState().origin === standalone.url ? true : undefined));
      assert.equal((await api.providerInfo()).mode, 'remote');
      const direct = new ApiClient(standalone.url, fs.readFileSync(standalone.caCertPath!, 'utf8'));
      const login = uniqueName('remote-');
      await createUser({ api: direct }, { login, password: 'remote-password-1' });
      await direct.close();
      const account = await api.signInWithPassword({ login, password: 'remote-password-1' });
      assert.equal(account.providerOrigin, standalone.url);
      const me = await api.services.api<{ login: string }>(account.id, 'GET', '/user');
      assert.equal(me.login, login);
      await api.signOut(account.id);
    } finally {
      await config.update('providerUrl', undefined, vscode.ConfigurationTarget.Global);
      await config.update('caFile', undefined, vscode.ConfigurationTarget.Global);
      await standalone.close();
    }
    await waitFor('the embedded provider again', () => (api.embedded.state().kind === 'hosting' ? true : undefined), 20_000);
  });

  it('the commands to show the URL and the log and to restart run', async () => {
    await vscode.commands.executeCommand('tessera.restartProvider');
    const info = await api.providerInfo();
    assert.equal(info.mode, 'hosting');
    const url = await vscode.commands.executeCommand<string>('tessera.showProviderUrl');
    assert.equal(url, info.origin);
    await vscode.commands.executeCommand('tessera.showLog');
  });
});
