// After a real session — sign-up, sign-in, 2FA, tokens of every kind used on the API and by git
// over HTTPS — no file in the data folder (the database, its WAL and shared memory, TLS material,
// the bare repositories) and no line the provider logged holds a token, the password or the TOTP
// secret (stored encrypted) in plain text, read byte by byte while the provider runs (the WAL
// holds the latest writes) and again after it has stopped (checkpointed into the database). Any
// token-shaped string with a right checksum counts, not only the ones the test knows.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { git, hermeticGitEnv } from '../../bench/git-https/git-client';
import { parseToken } from '../../src/shared/token-format';
import { createUser } from '../builders/users';
import { freshOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { signIn } from '../builders/sessions';
import { createClassicToken, createFineGrainedToken } from '../builders/tokens';
import { createOrg } from '../builders/orgs';
import { testEngine } from './helpers/test-database';
import { startTestProvider, TestProvider } from './helpers/provider';

/** Every file under `dir` with its bytes (latin1: one character per byte, binary pages included). */
async function filesUnder(dir: string): Promise<{ file: string; text: string }[]> {
  const out: { file: string; text: string }[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    out.push({ file, text: (await fsp.readFile(file)).toString('latin1') });
  }
  return out;
}

function wellFormedTokens(text: string): string[] {
  return [...text.matchAll(/ts[pfa]_[0-9A-Za-z]{36}/g)].map((m) => m[0]).filter((t) => parseToken(t) !== undefined);
}

function assertNoSecret(where: string, text: string, secrets: string[]): void {
  for (const s of secrets) assert.ok(!text.includes(s), `${where} holds a secret (…${s.slice(-4)})`);
  const tokens = wellFormedTokens(text);
  assert.deepEqual(tokens.map((t) => `…${t.slice(-4)}`), [], `${where} holds a token`);
}

describe('no secret in the data folder or the log', function () {
  this.timeout(120_000);
  let t: TestProvider | undefined;
  let tmp: string | undefined;
  afterEach(async () => {
    await t?.close();
    if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
    t = undefined;
    tmp = undefined;
  });

  it('after sign-up, tokens used on the API and by git, every file and log line is free of tokens and the password', async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'tessera-at-rest-'));
    const dataDir = path.join(tmp, 'data');
    const p = await startTestProvider({ tls: 'auto', dataDir });
    t = p;
    const user = await createUser(t);
    const session = await signIn(p, user, ['admin:token', 'user', 'admin:org', 'repo']);
    const classic = await createClassicToken(p, user, { scopes: ['repo'] });
    const org = await createOrg(p, { user, token: session.token });
    const fine = await createFineGrainedToken(p, { user, token: session.token }, {
      resource_owner: org,
      repository_selection: 'all',
      permissions: { repository: { contents: 'write' } },
    });
    const repo = await p.api.post('/user/repos', { token: classic.token, body: { name: 'at-rest', private: true } });
    assert.equal(repo.status, 201, repo.text);
    const orgRepo = await p.api.post(`/orgs/${org}/repos`, { token: session.token, body: { name: 'org-rest', private: true } });
    assert.equal(orgRepo.status, 201, orgRepo.text);
    for (const token of [session.token, classic.token, fine.token]) assert.equal((await p.api.get('/user', { token })).status, 200);
    const { secret: totpSecret, recoveryCodes } = await enableTwoFactor(p, user, session.token);
    user.totpSecret = totpSecret;
    assert.equal((await p.api.get('/user', { basic: user, otp: await freshOtp(p, user) })).status, 200);
    assert.equal((await p.api.get('/user', { basic: { login: user.login, password: 'wrong-password-42' } })).status, 401);

    // git over HTTPS with the tokens as the password: a push with each, then a clone.
    const home = path.join(tmp, 'home');
    await fsp.mkdir(home);
    const env = hermeticGitEnv(home, p.provider.caCertPath);
    const withToken = (token: string, repoPath: string) => p.provider.url.replace('https://', `https://git:${token}@`) + `/${repoPath}.git`;
    const work = path.join(tmp, 'work');
    await git(['init', '-q', '-b', 'main', work], { env });
    await fsp.writeFile(path.join(work, 'README.md'), 'hello\n');
    await git(['add', '-A'], { cwd: work, env });
    await git(['commit', '-q', '-m', 'first'], { cwd: work, env });
    await git(['push', '-q', withToken(classic.token, `${user.login}/at-rest`), 'HEAD:main'], { cwd: work, env });
    await git(['push', '-q', withToken(fine.token, `${org}/org-rest`), 'HEAD:main'], { cwd: work, env });
    await git(['clone', '-q', withToken(classic.token, `${user.login}/at-rest`), path.join(tmp, 'clone')], { env });

    const secrets = [session.token, classic.token, fine.token, user.password, 'wrong-password-42', totpSecret, ...recoveryCodes];
    const running = await filesUnder(dataDir);
    if (testEngine() === 'sqlite') assert.ok(running.some((f) => f.file.endsWith('tessera.db-wal')), 'the WAL is read while the provider runs');
    for (const f of running) assertNoSecret(path.relative(dataDir, f.file), f.text, secrets);
    assertNoSecret('the provider log', p.logs.map((l) => `${l.level} ${l.message}`).join('\n'), secrets);

    t = undefined;
    await p.close();
    for (const f of await filesUnder(dataDir)) assertNoSecret(`${path.relative(dataDir, f.file)} (stopped)`, f.text, secrets);
  });
});
