// The 'tessera' AuthenticationProvider in the real extension host, against the real embedded
// provider: sessions are real tokens with exactly the requested scopes, scope-set semantics,
// scope-grammar errors, SecretStorage changes of "another window", sessions dropped once their
// token expires, is deleted or revoked, or loses a scope outside the editor, no secret outside
// SecretStorage, and sign-out.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseAccountSecrets, sessionIdOf } from '../../src/extension/accounts/account-secrets';
import type { TesseraApi } from '../../src/extension/test-api';
import type { AccountInfo } from '../../src/extension/services';
import type { ViewsInternals } from '../../src/extension/views/register-views';
import type { ApiClient } from '../builders/api-client';
import type { TestUser } from '../builders/users';
import { nextEvent, providerClient, tesseraApi, waitFor, newSignedInUser } from './core-helpers';

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile());
}

describe('core: sessions for other extensions', function () {
  this.timeout(60_000);
  let api: TesseraApi;
  let client: ApiClient;
  let user: TestUser;
  let account: AccountInfo;
  let views: ViewsInternals;
  const seenSecrets = new Set<string>();
  const password = () => ({ basic: { login: user.login, password: user.password } });
  const tokenIdOf = (session: vscode.AuthenticationSession) => Number(session.id.split('/').pop());
  const storedSession = async (id: string) => parseAccountSecrets(await api.readSecretRaw(api.secretKey(account.id)))?.sessions.find((s) => s.id === id);
  // Waited for from before the change that causes it (a token patched, an expiry a few seconds
  // ahead): 30 s leaves room for a busy machine.
  const removedEvent = (id: string) => nextEvent(api.authentication.onDidChangeSessions, (e) => !!e.removed?.some((s) => s.id === id), `a removed event for ${id}`, 30_000);
  /** What the Tokens view does when it loads: the account's token list, fresh from the provider. */
  const loadTokenList = async () => {
    views.store.invalidate();
    await views.store.loadAll();
  };

  before(async () => {
    api = await tesseraApi();
    client = await providerClient(api);
    ({ user, account } = await newSignedInUser(api, client, 'sess'));
    const raw = parseAccountSecrets(await api.readSecretRaw(api.secretKey(account.id)));
    assert.ok(raw, 'the account has a SecretStorage value after sign-in');
    seenSecrets.add(raw.admin.token);
    views = await vscode.commands.executeCommand<ViewsInternals>('tessera._views.internals');
    assert.ok(views?.store, 'registerViews ran in activate()');
  });

  after(async () => {
    await client?.close();
  });

  it('signing in records the account (id = origin#user id) and keeps only the admin token, never the password', async () => {
    const info = await api.providerInfo();
    assert.equal(account.id, `${info.origin}#${user.id}`);
    assert.equal(account.login, user.login);
    assert.ok(api.services.accounts().some((a) => a.id === account.id));
    const raw = (await api.readSecretRaw(api.secretKey(account.id)))!;
    assert.ok(!raw.includes(user.password), 'the password is not stored');
    const value = parseAccountSecrets(raw)!;
    assert.match(value.admin.token, /^tsp_/);
    const me = await client.get('/user', { token: value.admin.token });
    assert.equal(me.status, 200);
    assert.deepEqual(
      (me.headers.get('x-oauth-scopes') ?? '').split(',').map((s) => s.trim()).filter(Boolean).sort(),
      ['admin:token', 'delete_repo', 'repo', 'user'],
    );
  });

  it('createSession mints a token with exactly the scopes; getSessions matches the set in any order; removeSession deletes it', async () => {
    const changes: vscode.AuthenticationProviderAuthenticationSessionsChangeEvent[] = [];
    const sub = api.authentication.onDidChangeSessions((e) => changes.push(e));
    try {
      const session = await api.authentication.createSession(['user:email', 'repo'], { account: { id: account.id, label: account.login } });
      seenSecrets.add(session.accessToken);
      assert.deepEqual([...session.scopes].sort(), ['repo', 'user:email']);
      assert.equal(session.account.id, account.id);
      const me = await client.get('/user', { token: session.accessToken });
      assert.equal(me.status, 200, me.text);
      assert.equal(me.json.login, user.login);
      assert.deepEqual((me.headers.get('x-oauth-scopes') ?? '').split(',').map((s) => s.trim()).sort(), ['repo', 'user:email']);
      await waitFor('an added-session event', () => changes.some((c) => c.added?.some((s) => s.id === session.id)));

      const reordered = await api.authentication.getSessions(['repo', 'user:email', 'repo'], {});
      assert.deepEqual(reordered.map((s) => s.id), [session.id]);
      assert.deepEqual(await api.authentication.getSessions(['repo'], {}), []);
      assert.deepEqual(await api.authentication.getSessions(['repo', 'user:email', 'read:org'], {}), []);
      assert.ok((await api.authentication.getSessions(undefined, {})).some((s) => s.id === session.id));
      assert.deepEqual(
        (await api.authentication.getSessions(['repo', 'user:email'], { account: { id: 'https://elsewhere#1', label: 'x' } })).length,
        0,
        'a session of another account is not returned',
      );

      // A second request for the same set reuses the session instead of minting another token.
      const again = await api.authentication.createSession(['repo', 'user:email'], { account: { id: account.id, label: account.login } });
      assert.equal(again.id, session.id);

      const tokenId = Number(session.id.split('/').pop());
      const onProvider = await client.get(`/user/personal-access-tokens/${tokenId}`, { basic: { login: user.login, password: user.password } });
      assert.equal(onProvider.status, 200, onProvider.text);
      assert.match(onProvider.json.name, /^vscode: repo user:email/);

      await api.authentication.removeSession(session.id);
      assert.deepEqual(await api.authentication.getSessions(['repo', 'user:email'], {}), []);
      assert.equal((await client.get('/user', { token: session.accessToken })).status, 401, 'the token is deleted on the provider');
      await waitFor('a removed-session event', () => changes.some((c) => c.removed?.some((s) => s.id === session.id)));
    } finally {
      sub.dispose();
    }
  });

  it('vscode.authentication sees the provider and its sessions', async () => {
    const session = await api.authentication.createSession(['read:user'], { account: { id: account.id, label: account.login } });
    seenSecrets.add(session.accessToken);
    const accounts = await vscode.authentication.getAccounts('tessera');
    assert.ok(accounts.some((a) => a.id === account.id), `getAccounts('tessera') lists ${account.id}: ${JSON.stringify(accounts)}`);
    await api.authentication.removeSession(session.id);
  });

  it('scope-grammar errors reject createSession with a clear message and mint nothing', async () => {
    const before = await client.get('/user/personal-access-tokens', { basic: { login: user.login, password: user.password } });
    const cases: [string[], RegExp][] = [
      [['repo', 'fg:acme/site:contents:read'], /classic .* and fine-grained .* cannot be mixed/],
      [['fg:acme/site:contents:write', 'fg:bob/app:contents:read'], /one resource owner.*'acme' and 'bob'/],
      [['fg:acme/site:secrets:write'], /unknown permission 'secrets'/],
      [['fg:acme/site:contents'], /a fine-grained scope is/],
      [['repoo'], /'repoo' is not a classic scope/],
      [['fg:acme/site:contents:read', 'expires:never'], /must expire/],
    ];
    for (const [scopes, pattern] of cases) {
      await assert.rejects(
        Promise.resolve(api.authentication.createSession(scopes, { account: { id: account.id, label: account.login } })),
        (e: Error) => /^Tessera: /.test(e.message) && pattern.test(e.message),
        `createSession(${JSON.stringify(scopes)})`,
      );
      assert.deepEqual(await api.authentication.getSessions(scopes, {}), [], 'getSessions with an invalid list answers nothing');
    }
    const after = await client.get('/user/personal-access-tokens', { basic: { login: user.login, password: user.password } });
    assert.equal(after.json.length, before.json.length, 'no token was minted');
  });

  it('a session written to SecretStorage by another window fires onDidChangeSessions and is found', async () => {
    const key = api.secretKey(account.id);
    const value = parseAccountSecrets(await api.readSecretRaw(key))!;
    // "Another window" mints a token and writes the account's value itself.
    const minted = await client.post('/user/personal-access-tokens', { token: value.admin.token, body: { name: 'other window: public_repo', scopes: ['public_repo'] } });
    assert.equal(minted.status, 201, minted.text);
    seenSecrets.add(minted.json.token);
    const session = {
      id: sessionIdOf(account.id, minted.json.id),
      tokenId: minted.json.id,
      scopes: ['public_repo'],
      kind: 'classic',
      token: minted.json.token,
      createdAt: new Date().toISOString(),
    };
    const providerEvent = nextEvent(api.authentication.onDidChangeSessions, (e) => !!e.added?.some((s) => s.id === session.id), 'provider onDidChangeSessions');
    const vscodeEvent = nextEvent(vscode.authentication.onDidChangeSessions, (e) => e.provider.id === 'tessera', 'vscode.authentication.onDidChangeSessions');
    await api.writeSecretRaw(key, JSON.stringify({ ...value, sessions: [...value.sessions, session] }));
    const e = await providerEvent;
    assert.equal(e.added?.find((s) => s.id === session.id)?.accessToken, minted.json.token);
    await vscodeEvent;
    const found = await api.authentication.getSessions(['public_repo'], {});
    assert.deepEqual(found.map((s) => s.id), [session.id]);

    // And the other window removing it is seen too.
    const removed = nextEvent(api.authentication.onDidChangeSessions, (ev) => !!ev.removed?.some((s) => s.id === session.id), 'removed event');
    await api.writeSecretRaw(key, JSON.stringify(value));
    await removed;
    assert.deepEqual(await api.authentication.getSessions(['public_repo'], {}), []);
  });

  it('a session whose token expired on the provider is dropped once the token list shows it: a removed event, getSessions answers nothing, createSession mints a new token', async () => {
    const scopes = ['read:user', 'expires:1d'];
    const opts = { account: { id: account.id, label: account.login } };
    const session = await api.authentication.createSession(scopes, opts);
    seenSecrets.add(session.accessToken);
    const tokenId = tokenIdOf(session);
    const onProvider = await client.get(`/user/personal-access-tokens/${tokenId}`, password());
    assert.equal(onProvider.status, 200, onProvider.text);
    assert.ok(onProvider.json.expires_at, 'the token expires');
    assert.equal((await storedSession(session.id))?.expiresAt, onProvider.json.expires_at, 'the session records its token’s expiry');

    // It expires (outside the editor: at once rather than after its day).
    const removed = removedEvent(session.id);
    const expired = await client.post(`/user/personal-access-tokens/${tokenId}/expire`, { ...password(), body: {} });
    assert.equal(expired.status, 200, expired.text);
    assert.equal((await client.get('/user', { token: session.accessToken })).status, 401, 'the token no longer works');
    await loadTokenList();
    await removed;
    assert.equal(await storedSession(session.id), undefined, 'the session is gone from SecretStorage');
    assert.deepEqual(await api.authentication.getSessions(scopes, {}), []);

    const fresh = await api.authentication.createSession(scopes, opts);
    seenSecrets.add(fresh.accessToken);
    assert.notEqual(fresh.id, session.id, 'a new token is minted');
    assert.equal((await client.get('/user', { token: fresh.accessToken })).status, 200);
    assert.deepEqual((await api.authentication.getSessions(scopes, {})).map((s) => s.id), [fresh.id]);
    await api.authentication.removeSession(fresh.id);
  });

  it('a session whose recorded expiry passes is no longer answered by getSessions, with a removed event, and createSession mints a new token', async () => {
    const scopes = ['read:user', 'expires:2d'];
    const opts = { account: { id: account.id, label: account.login } };
    const session = await api.authentication.createSession(scopes, opts);
    seenSecrets.add(session.accessToken);
    const removed = removedEvent(session.id);
    // Its expiry is moved to a few seconds from now outside the editor; the token list tells the editor.
    const soon = new Date(Date.now() + 5_000).toISOString();
    const patched = await client.patch(`/user/personal-access-tokens/${tokenIdOf(session)}`, { ...password(), body: { expires_at: soon } });
    assert.equal(patched.status, 200, patched.text);
    await loadTokenList();
    await waitFor('the new expiry recorded', async () => {
      const s = await storedSession(session.id);
      return s === undefined || s.expiresAt === patched.json.expires_at ? true : undefined;
    });

    // No token list loads now: getSessions itself stops answering the session once the expiry passes.
    await waitFor('getSessions to leave out the expired session', async () => ((await api.authentication.getSessions(scopes, {})).length === 0 ? true : undefined), 20_000, 250);
    await removed;
    assert.equal(await storedSession(session.id), undefined, 'the session is gone from SecretStorage');

    const fresh = await api.authentication.createSession(scopes, opts);
    seenSecrets.add(fresh.accessToken);
    assert.notEqual(fresh.id, session.id, 'a new token is minted');
    assert.equal((await client.get('/user', { token: fresh.accessToken })).status, 200);
    await api.authentication.removeSession(fresh.id);
  });

  it('sessions whose token was deleted or revoked outside the editor are dropped with a removed event once the editor sees the token list (Tokens view, git credentials)', async () => {
    const opts = { account: { id: account.id, label: account.login } };
    const deleted = await api.authentication.createSession(['read:org'], opts);
    const revoked = await api.authentication.createSession(['read:public_key'], opts);
    const kept = await api.authentication.createSession(['user:email'], opts);
    for (const s of [deleted, revoked, kept]) seenSecrets.add(s.accessToken);

    // Deleted by another client (the CLI, with the password); the Tokens view's list shows it gone.
    const deletedEvent = removedEvent(deleted.id);
    const del = await client.delete(`/user/personal-access-tokens/${tokenIdOf(deleted)}`, password());
    assert.equal(del.status, 204, del.text);
    await loadTokenList();
    await deletedEvent;
    assert.deepEqual(await api.authentication.getSessions(['read:org'], {}), []);

    // Reported as leaked and revoked (the credentials revocation API); git's credential lookup lists the tokens.
    const revokedEvent = removedEvent(revoked.id);
    const rev = await client.post('/credentials/revoke', { body: { credentials: [revoked.accessToken] } });
    assert.equal(rev.status, 202, rev.text);
    assert.equal((await client.get('/user', { token: revoked.accessToken })).status, 401, 'the token no longer works');
    const info = await api.providerInfo();
    await api.selectCredentials(`${info.origin}/${user.login}/nothing-here.git`, 'fetch');
    await revokedEvent;
    assert.deepEqual(await api.authentication.getSessions(['read:public_key'], {}), []);

    // The session whose token still works stays.
    assert.deepEqual((await api.authentication.getSessions(['user:email'], {})).map((s) => s.id), [kept.id]);
    const left = parseAccountSecrets(await api.readSecretRaw(api.secretKey(account.id)))!.sessions.map((s) => s.id);
    assert.ok(left.includes(kept.id) && !left.includes(deleted.id) && !left.includes(revoked.id), `stored sessions: ${left.join(', ')}`);
    await api.authentication.removeSession(kept.id);
  });

  it('a session whose token was narrowed on the provider (a scope taken away) is dropped once the editor sees the token list, and never handed out for the scopes it lost', async () => {
    const scopes = ['repo', 'user:email'];
    const opts = { account: { id: account.id, label: account.login } };
    const session = await api.authentication.createSession(scopes, opts);
    seenSecrets.add(session.accessToken);
    const removed = removedEvent(session.id);
    const narrowed = await client.patch(`/user/personal-access-tokens/${tokenIdOf(session)}`, { ...password(), body: { scopes: ['user:email'] } });
    assert.equal(narrowed.status, 200, narrowed.text);
    assert.deepEqual(narrowed.json.scopes, ['user:email']);
    await loadTokenList();
    await removed;
    assert.equal(await storedSession(session.id), undefined, 'the session is gone from SecretStorage');
    assert.deepEqual(await api.authentication.getSessions(scopes, {}), [], 'the token lacks repo: the session is not handed out');
  });

  it('a session whose token was regenerated elsewhere (its secret replaced) is dropped once the editor sees the token list', async () => {
    const scopes = ['read:user'];
    const session = await api.authentication.createSession(scopes, { account: { id: account.id, label: account.login } });
    seenSecrets.add(session.accessToken);
    const removed = removedEvent(session.id);
    // another machine (gh, a browser) regenerates it: same id, new secret; the one kept here is dead
    const res = await client.post(`/user/personal-access-tokens/${tokenIdOf(session)}/regenerate`, { ...password(), body: {} });
    assert.equal(res.status, 200, res.text);
    seenSecrets.add(res.json.token);
    await loadTokenList();
    await removed;
    assert.equal(await storedSession(session.id), undefined, 'the session is gone from SecretStorage');
    assert.deepEqual((await api.authentication.getSessions(scopes, {})).filter((s) => s.id === session.id), [], 'the dead secret is not handed out');
  });

  it('no secret ever appears in globalState, settings or the log', async () => {
    const raw = (await api.readSecretRaw(api.secretKey(account.id)))!;
    const value = parseAccountSecrets(raw)!;
    for (const s of [value.admin.token, ...value.sessions.map((x) => x.token), ...value.tokens.map((x) => x.token)]) seenSecrets.add(s);
    assert.ok(seenSecrets.size >= 3, `collected ${seenSecrets.size} secrets to look for`);
    const needles = [...seenSecrets, raw, user.password];

    const state = JSON.stringify(api.globalStateSnapshot());
    for (const n of needles) assert.ok(!state.includes(n), 'a secret is in globalState');
    assert.ok(state.includes(account.id), 'globalState does hold the account metadata');

    const settings = JSON.stringify({ user: vscode.workspace.getConfiguration().inspect('tessera'), all: vscode.workspace.getConfiguration('tessera') });
    const userDir = path.resolve(api.paths.globalStorage, '..', '..');
    const settingsFiles = [path.join(userDir, 'settings.json'), ...(vscode.workspace.workspaceFolders ?? []).map((f) => path.join(f.uri.fsPath, '.vscode', 'settings.json'))];
    const settingsText = settings + settingsFiles.filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    for (const n of needles) assert.ok(!settingsText.includes(n), 'a secret is in the settings');

    // The "Tessera" log channel's file(s): under the logs folder of this session.
    const logsRoot = path.resolve(api.paths.logs, '..', '..');
    const logFiles = await waitFor('the Tessera log file', () => {
      const files = listFiles(logsRoot).filter((f) => /Tessera/i.test(path.basename(f)) || fs.readFileSync(f, 'utf8').includes('Tessera activated in'));
      return files.some((f) => fs.readFileSync(f, 'utf8').includes('Signed in to')) ? files : undefined;
    }, 20_000, 500);
    const logText = logFiles.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    assert.match(logText, /Session .* created for scopes \[repo user:email\]/, 'the log records the session (without its token)');
    for (const n of needles) assert.ok(!logText.includes(n), 'a secret is in the log');
  });

  it('signing out deletes the admin token on the provider and forgets every secret', async () => {
    const key = api.secretKey(account.id);
    const value = parseAccountSecrets(await api.readSecretRaw(key))!;
    const session = await api.authentication.createSession(['user'], { account: { id: account.id, label: account.login } });
    const accountsChanged = nextEvent(api.services.onDidChangeAccounts, () => !api.services.accounts().some((a) => a.id === account.id), 'accounts change');
    const sessionRemoved = removedEvent(session.id);
    await api.signOut(account.id);
    await accountsChanged;
    const removed = (await sessionRemoved).removed!.find((s) => s.id === session.id)!;
    assert.deepEqual(removed.account, { id: account.id, label: account.login }, 'the removed session keeps its account label');
    assert.equal(await api.readSecretRaw(key), undefined);
    assert.equal((await client.get('/user', { token: value.admin.token })).status, 401, 'admin token deleted');
    assert.equal((await client.get('/user', { token: session.accessToken })).status, 401, 'session token deleted');
    assert.deepEqual(await api.authentication.getSessions(['user'], {}), []);
  });

  it("the sign-in itself is a session: VS Code lists the account (Accounts menu) with no other session, never hands it out for scopes, and removing it signs out", async () => {
    const signedIn = nextEvent(vscode.authentication.onDidChangeSessions, (e) => e.provider.id === 'tessera', 'vscode.authentication.onDidChangeSessions on sign-in');
    const again = await api.signInWithPassword({ login: user.login, password: user.password });
    await signedIn;
    const value = parseAccountSecrets(await api.readSecretRaw(api.secretKey(again.id)))!;
    assert.deepEqual(value.sessions, [], 'no session was requested by any extension');
    const accounts = await waitFor('the account in vscode.authentication.getAccounts', async () => {
      const list = await vscode.authentication.getAccounts('tessera');
      return list.some((a) => a.id === again.id) ? list : undefined;
    });
    assert.equal(accounts.find((a) => a.id === again.id)?.label, user.login);
    const unscoped = await api.authentication.getSessions(undefined, {});
    const signInSession = unscoped.find((s) => s.id === sessionIdOf(again.id, value.admin.tokenId));
    assert.ok(signInSession, 'the unscoped list holds the sign-in session');
    assert.deepEqual([...signInSession.scopes].sort(), ['admin:token', 'delete_repo', 'repo', 'user']);
    assert.deepEqual(await api.authentication.getSessions(['admin:token', 'delete_repo', 'repo', 'user'], {}), [], 'never answered for a scope list');

    const removed = nextEvent(api.authentication.onDidChangeSessions, (e) => !!e.removed?.some((s) => s.id === signInSession.id), 'sign-in session removed');
    await api.authentication.removeSession(signInSession.id);
    await removed;
    assert.ok(!api.services.accounts().some((a) => a.id === again.id), 'signed out');
    assert.equal((await client.get('/user', { token: value.admin.token })).status, 401, 'the sign-in token is deleted on the provider');
    await waitFor('the account gone from vscode.authentication.getAccounts', async () =>
      (await vscode.authentication.getAccounts('tessera')).some((a) => a.id === again.id) ? undefined : true,
    );
  });
});
