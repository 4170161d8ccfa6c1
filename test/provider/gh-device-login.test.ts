// `gh auth login` with the device flow, Debian's gh unchanged, against the real provider over
// HTTPS (set-up in helpers/gh.ts): gh asks POST /login/device/code under its own client id, prints
// the one-time code, and polls POST /login/oauth/access_token; the code is approved through the
// REST endpoint the extension uses; gh then stores the token, `gh auth status` names the user,
// and gh uses the token.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ensureGh, GhEnvironment, ghEnvironment, ghLoginWithDeviceCode, runGh } from './helpers/gh';
import { newSession, type Session } from '../builders/sessions';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('gh auth login (device flow) against the provider', function () {
  this.timeout(120_000);
  let t: TestProvider;
  let alice: Session;
  let gh: GhEnvironment;
  let realTime: NodeJS.Timeout | undefined;

  before(async function () {
    this.timeout(600_000);
    ensureGh();
    t = await startTestProvider({ tls: 'auto' });
    alice = await newSession(t);
    gh = await ghEnvironment(t.provider);
    // gh opens the verification page only when asked to; never in a browser here.
    gh.env.BROWSER = 'true';
    // gh waits its polling interval in real time, and a poll sooner than the interval is told to
    // slow down: the provider's clock follows real time in this file.
    realTime = setInterval(() => t.clock.set(Date.now()), 50);
  });
  after(async () => {
    clearInterval(realTime);
    await t?.close();
    await gh?.dispose();
  });

  it('gh prints a one-time code; approved through the REST endpoint, gh stores the token it gets (listed with the user’s tokens), gh auth status names the user, gh uses the token', async () => {
    let lookedUp: { app: { name: string }; scopes: string[] } | undefined;
    const login = await ghLoginWithDeviceCode(gh.env, async (code) => {
      const seen = await t.api.post('/user/device-authorizations/lookup', { token: alice.token, body: { user_code: code } });
      assert.equal(seen.status, 200, seen.text);
      lookedUp = seen.json;
      const ok = await t.api.post('/user/device-authorizations', { token: alice.token, body: { user_code: code } });
      assert.equal(ok.status, 200, ok.text);
    });
    assert.equal(login.status, 0, `gh auth login failed (${login.status}):\n${login.stderr}${login.stdout}`);
    assert.equal(lookedUp?.app.name, 'GitHub CLI');
    assert.deepEqual([...(lookedUp?.scopes ?? [])].sort(), ['gist', 'read:org', 'repo'], 'gh asks for its minimum scopes');
    assert.match(login.stderr, /Authentication complete/);
    assert.match(login.stderr, new RegExp(`Logged in as ${alice.user.login}`));

    const tokens = await t.api.get('/user/personal-access-tokens', { token: alice.token });
    const made = tokens.json.filter((x: { oauth_app: { name: string } | null }) => x.oauth_app?.name === 'GitHub CLI');
    assert.equal(made.length, 1, 'the token gh received is listed with the user’s tokens');
    const me = await runGh(['api', 'graphql', '-f', 'query={viewer{login}}'], gh.env);
    assert.deepEqual(JSON.parse(me.stdout), { data: { viewer: { login: alice.user.login } } });

    // gh stored the token it received and the user's login (gh auth token reads its config only).
    const stored = await runGh(['auth', 'token', '--hostname', gh.host], gh.env);
    assert.equal(stored.status, 0, stored.stderr);
    assert.equal(stored.stdout.trim().slice(-8), made[0].token_last_eight);
    assert.match(readFileSync(path.join(gh.env.GH_CONFIG_DIR!, 'hosts.yml'), 'utf8'), new RegExp(`user: ${alice.user.login}`));
    const status = await runGh(['auth', 'status'], gh.env);
    assert.equal(status.status, 0, status.stderr);
    assert.ok(status.stderr.includes(`Logged in to ${gh.host} as ${alice.user.login}`), status.stderr);
    assert.match(status.stderr, /Token scopes: .*gist.*/);
  });
});
