// `gh auth login --with-token` and `gh auth status` against the real provider (set-up in
// helpers/gh.ts): gh checks the token's scopes on GET /api/v3/ (X-OAuth-Scopes: repo and read:org
// at least), looks the user up with GraphQL (viewer { login }) and stores the token in its config.
import * as assert from 'node:assert/strict';
import { ensureGh, GhEnvironment, ghEnvironment, runGh } from './helpers/gh';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('gh auth against the provider', function () {
  this.timeout(120_000);
  let t: TestProvider;
  let alice: Session;
  let gh: GhEnvironment;

  before(async function () {
    this.timeout(600_000);
    ensureGh();
    t = await startTestProvider({ tls: 'auto' });
    alice = await newSession(t);
    gh = await ghEnvironment(t.provider);
  });
  after(async () => {
    await t?.close();
    await gh?.dispose();
  });

  it('gh auth login --with-token stores the token; gh auth status names the user and the scopes; gh then uses it', async () => {
    const token = await createClassicToken(t, alice, { scopes: ['repo', 'read:org'] });
    const login = await runGh(['auth', 'login', '--with-token'], gh.env, { input: `${token.token}\n` });
    assert.equal(login.status, 0, login.stderr);
    const status = await runGh(['auth', 'status'], gh.env);
    assert.equal(status.status, 0, status.stderr);
    assert.ok(status.stderr.includes(`Logged in to ${gh.host} as ${alice.user.login}`), status.stderr);
    assert.match(status.stderr, /Token scopes: (repo, read:org|read:org, repo)/);
    assert.ok(!status.stderr.includes(token.token) && !status.stdout.includes(token.token), 'gh shows the token masked');
    const me = await runGh(['api', 'graphql', '-f', 'query={viewer{login}}'], gh.env);
    assert.deepEqual(JSON.parse(me.stdout), { data: { viewer: { login: alice.user.login } } });
  });

  it('gh auth login --with-token refuses a token without read:org and an unknown token', async () => {
    const narrow = await createClassicToken(t, alice, { scopes: ['repo'] });
    const refused = await runGh(['auth', 'login', '--with-token'], gh.env, { input: `${narrow.token}\n` });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /missing required scope 'read:org'/);
    const unknown = await runGh(['auth', 'login', '--with-token'], gh.env, { input: 'tsp_0000000000000000000000000000000000000000\n' });
    assert.notEqual(unknown.status, 0);
    assert.match(unknown.stderr, /HTTP 401/);
  });
});
