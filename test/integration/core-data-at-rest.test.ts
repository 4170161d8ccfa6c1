// The embedded provider's data at rest, in the real extension host: its data folder is the
// user's only (0700, files 0600), and the key that encrypts its two-factor secrets lives in VS
// Code's secret storage, never in the data folder, and survives a restart of the provider.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import * as vscode from 'vscode';
import type { TesseraApi } from '../../src/extension/test-api';
import { DATA_KEY_SECRET } from '../../src/extension/provider/data-key-storage';
import { dataKeyId } from '../../src/provider/secrets/secret-box';
import { freshOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { uniqueName } from '../builders/unique-name';
import { createUser, type TestUser } from '../builders/users';
import { providerClient, tesseraApi } from './core-helpers';

describe('core: the embedded provider keeps its data at rest private', function () {
  this.timeout(90_000);
  let api: TesseraApi;

  before(async () => {
    api = await tesseraApi();
  });

  it('keeps its data key in SecretStorage (not in the data folder), encrypts TOTP secrets with it, and reuses it after a restart', async () => {
    const info = await api.providerInfo();
    assert.equal(info.mode, 'hosting');
    const dataDir = info.dataDir!;
    const client = await providerClient(api);
    let account;
    try {
      account = await createUser({ api: client }, { login: uniqueName('atrest') });
      await enableTwoFactor({ api: client }, account);
    } finally {
      await client.close();
    }

    const stored = await api.readSecretRaw(DATA_KEY_SECRET);
    assert.ok(stored, 'the data key is in SecretStorage');
    const key = Buffer.from(stored, 'base64');
    assert.equal(key.length, 32);
    assert.equal(fs.existsSync(path.join(dataDir, 'secret.key')), false, 'no key file beside the database');
    const db = new DatabaseSync(path.join(dataDir, 'tessera.db'), { readOnly: true });
    try {
      const row = db.prepare('SELECT key_id FROM data_key').get() as { key_id: string };
      assert.equal(row.key_id, dataKeyId(key), 'the database belongs to the key in SecretStorage');
      const { secret } = db.prepare('SELECT secret FROM two_factor WHERE user_id = ?').get(account.id) as { secret: string };
      assert.match(secret, /^v1:/);
      assert.ok(!secret.includes(account.totpSecret!));
    } finally {
      db.close();
    }
    for (const file of ['tessera.db', 'tessera.db-wal']) {
      assert.equal(fs.readFileSync(path.join(dataDir, file)).includes(Buffer.from(account.totpSecret!)), false, `TOTP secret in clear in ${file}`);
    }
    assert.equal(fs.statSync(dataDir).mode & 0o777, 0o700, 'data folder');
    for (const file of ['tessera.db', 'tessera.db-wal', 'tessera.db-shm', 'tls/ca.pem', 'tls/ca-key.pem']) {
      assert.equal(fs.statSync(path.join(dataDir, file)).mode & 0o777, 0o600, file);
    }

    await vscode.commands.executeCommand('tessera.restartProvider');
    assert.equal((await api.providerInfo()).mode, 'hosting');
    assert.equal(await api.readSecretRaw(DATA_KEY_SECRET), stored, 'the same key after the restart');
    const again = await providerClient(api);
    try {
      const me = await again.get('/user', { basic: { login: account.login, password: account.password }, otp: await freshOtp({ api: again }, account) });
      assert.equal(me.status, 200, `2FA sign-in after the restart: ${me.text}`);
    } finally {
      await again.close();
    }
  });

  it("exports the data key for 'tessera migrate --from-key' into a file only the user can read: the key the database belongs to", async () => {
    const dataDir = (await api.providerInfo()).dataDir!;
    const file = path.join(fs.mkdtempSync(path.join(process.env.TESSERA_TEST_WORKDIR!, 'key-')), 'tessera-data.key');
    fs.writeFileSync(file, 'an older file, readable by all\n', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    assert.equal(await api.exportDataKey(file), true);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the file is the user\'s only, even where one was before');
    const text = fs.readFileSync(file, 'utf8');
    assert.equal(text, `${await api.readSecretRaw(DATA_KEY_SECRET)}\n`, 'base64 on one line, as secret.key holds it');
    const db = new DatabaseSync(path.join(dataDir, 'tessera.db'), { readOnly: true });
    try {
      const row = db.prepare('SELECT key_id FROM data_key').get() as { key_id: string };
      assert.equal(row.key_id, dataKeyId(Buffer.from(text.trim(), 'base64')), 'the exported key opens this database');
    } finally {
      db.close();
    }
  });
});

describe("core: importing the embedded provider's data key from a backup", function () {
  this.timeout(120_000);
  let api: TesseraApi;
  let original: string | undefined;
  let user: TestUser;
  let dir: string;

  before(async () => {
    api = await tesseraApi();
    assert.equal((await api.providerInfo()).mode, 'hosting');
    original = await api.readSecretRaw(DATA_KEY_SECRET);
    assert.ok(original, 'the provider has a data key');
    // A user with two-factor: the database holds a secret sealed with the key.
    const client = await providerClient(api);
    try {
      user = await createUser({ api: client }, { login: uniqueName('keyimport') });
      await enableTwoFactor({ api: client }, user);
    } finally {
      await client.close();
    }
    dir = fs.mkdtempSync(path.join(process.env.TESSERA_TEST_WORKDIR!, 'key-import-'));
    fs.chmodSync(dir, 0o700);
  });

  after(async () => {
    // Whatever happened, later tests get the provider running with its own key.
    if (original !== undefined && (await api.readSecretRaw(DATA_KEY_SECRET)) !== original) await api.writeSecretRaw(DATA_KEY_SECRET, original);
    const s = api.embedded.state();
    if (s.kind !== 'hosting' && s.kind !== 'shared') await api.embedded.restart();
    assert.equal((await api.providerInfo()).mode, 'hosting');
  });

  it('refuses to import while the provider runs (it has its key) and changes nothing', async () => {
    const file = path.join(dir, 'running.key');
    fs.writeFileSync(file, `${crypto.randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const result = await api.importDataKey(file);
    assert.equal(result.outcome, 'refused', JSON.stringify(result));
    assert.match((result as { message: string }).message, /running/);
    assert.equal(await api.readSecretRaw(DATA_KEY_SECRET), original);
    assert.equal(api.embedded.state().kind, 'hosting');
  });

  it('restores an exported key after SecretStorage lost it: garbage and another key are refused, the backup brings the provider and 2FA sign-in back', async () => {
    const backup = path.join(dir, 'tessera-data.key');
    assert.equal(await api.exportDataKey(backup), true);

    // SecretStorage now holds another key (a keyring reset, another browser): the provider refuses to start.
    const other = crypto.randomBytes(32).toString('base64');
    await api.writeSecretRaw(DATA_KEY_SECRET, other);
    await api.embedded.restart();
    let s = api.embedded.state();
    assert.equal(s.kind, 'failed', JSON.stringify(s));
    assert.equal(s.kind === 'failed' && s.dataKey, true, 'the failure is known to be the data key\'s');
    assert.match(s.kind === 'failed' ? s.message : '', /Restore that key from a backup/);

    // Not a data key: refused, nothing changed.
    const garbage = path.join(dir, 'garbage.key');
    fs.writeFileSync(garbage, 'this is not a key\n', { mode: 0o600 });
    const short = path.join(dir, 'short.key');
    fs.writeFileSync(short, `${crypto.randomBytes(16).toString('base64')}\n`, { mode: 0o600 });
    for (const file of [garbage, short]) {
      const result = await api.importDataKey(file);
      assert.equal(result.outcome, 'invalid', JSON.stringify(result));
      assert.match((result as { message: string }).message, /is not a Tessera data key/);
      assert.equal(await api.readSecretRaw(DATA_KEY_SECRET), other, 'the secret is unchanged');
      assert.equal(api.embedded.state().kind, 'failed');
    }

    // A well-formed key that is not the database's: the provider refuses it and the previous secret is back.
    const wrong = path.join(dir, 'wrong.key');
    fs.writeFileSync(wrong, `${crypto.randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const refused = await api.importDataKey(wrong);
    assert.equal(refused.outcome, 'wrong-key', JSON.stringify(refused));
    assert.match((refused as { message: string }).message, /is not the key the secrets/);
    assert.equal(await api.readSecretRaw(DATA_KEY_SECRET), other, 'the previous secret is put back');
    s = api.embedded.state();
    assert.equal(s.kind === 'failed' && s.dataKey, true);

    // The backup: the provider runs again with the key the database belongs to.
    const result = await api.importDataKey(backup);
    assert.equal(result.outcome, 'imported', JSON.stringify(result));
    assert.equal(api.embedded.state().kind, 'hosting');
    assert.equal(await api.readSecretRaw(DATA_KEY_SECRET), original, 'SecretStorage holds the exported key again');

    // The two-factor secret sealed before opens: the user signs in with password and a TOTP code.
    const client = await providerClient(api);
    let otp: string;
    try {
      otp = await freshOtp({ api: client }, user);
    } finally {
      await client.close();
    }
    const account = await api.signInWithPassword({ login: user.login, password: user.password, otp });
    try {
      assert.equal(account.login, user.login);
    } finally {
      await api.signOut(account.id);
    }
  });
});
