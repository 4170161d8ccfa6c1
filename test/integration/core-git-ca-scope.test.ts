// Which CA git in VS Code trusts for which host. `http.<url>.sslCAInfo` replaces git's trust for the
// URLs it matches, so `tessera.caFile` (the CA of the standalone provider `tessera.providerUrl`
// names) must be set for that provider's origin only: a second team server this editor has an
// account on, with a public certificate, keeps git's default trust.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TesseraApi } from '../../src/extension/test-api';
import { tesseraApi, waitFor } from './core-helpers';

function urlmatch(key: string, url: string): string | undefined {
  try {
    return execFileSync('git', ['config', '--get-urlmatch', key, url], { env: process.env, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

describe('core: git trusts tessera.caFile for the configured provider only', function () {
  this.timeout(90_000);
  let api: TesseraApi;

  before(async () => {
    api = await tesseraApi();
  });

  it("a second team server's origin gets no sslCAInfo (git's default trust); the configured provider gets the CA file", async () => {
    const embeddedCa = (await api.providerInfo()).caCertPath!;
    const caFile = path.join(process.env.TESSERA_TEST_WORKDIR!, `team-ca-${Date.now()}.pem`);
    fs.copyFileSync(embeddedCa, caFile);
    const teamOrigin = 'https://team-a.tessera.invalid:8443';
    const secondOrigin = 'https://team-b.tessera.invalid:9443';
    // An account on the second team server (as another window would have written it).
    const id = `${secondOrigin}#82`;
    await api.writeSecretRaw(api.secretKey(id), JSON.stringify({
      v: 1,
      account: { providerOrigin: secondOrigin, userId: 82, login: 'second', twoFactorEnabled: false },
      admin: { tokenId: 1, token: 'tsp_000000000000000000000000000000000000', createdAt: new Date().toISOString() },
      sessions: [],
      tokens: [],
    }));
    const config = vscode.workspace.getConfiguration('tessera');
    try {
      await waitFor('the account on the second server', () => api.services.accounts().some((a) => a.id === id) || undefined);
      await config.update('caFile', caFile, vscode.ConfigurationTarget.Global);
      await config.update('providerUrl', teamOrigin, vscode.ConfigurationTarget.Global);
      await waitFor('the CA file for the configured provider', () => (urlmatch('http.sslCAInfo', `${teamOrigin}/acme/app.git`) === caFile ? true : undefined));
      assert.equal(urlmatch('credential.useHttpPath', `${secondOrigin}/acme/app.git`), 'true', 'the second server is a Tessera origin for git');
      assert.notEqual(urlmatch('http.sslCAInfo', `${secondOrigin}/acme/app.git`), caFile, "tessera.caFile is not the second server's CA");
      assert.notEqual(urlmatch('http.sslCAInfo', `${secondOrigin}/acme/app.git`), path.resolve(embeddedCa), "nor is the embedded provider's CA");
      assert.equal(urlmatch('http.sslCAInfo', `${api.services.providerState().origin}/acme/app.git`), caFile);
    } finally {
      await config.update('providerUrl', undefined, vscode.ConfigurationTarget.Global);
      await config.update('caFile', undefined, vscode.ConfigurationTarget.Global);
      await api.signOut(id).catch(() => undefined);
    }
    await waitFor('the embedded provider again', () => (api.embedded.state().kind === 'hosting' ? true : undefined), 20_000);
    const embeddedOrigin = (await api.providerInfo()).origin;
    assert.equal(urlmatch('http.sslCAInfo', `${embeddedOrigin}/acme/app.git`), path.resolve(embeddedCa), 'the embedded provider keeps its own CA');
  });
});
