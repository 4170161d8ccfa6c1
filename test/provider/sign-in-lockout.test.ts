// Sign-in lockout: 10 failed password or code attempts lock the account (never the client address)
// for 10 minutes, on every path that checks a password, a code or an account token; a wrong
// password, an unknown login and a locked account get byte-identical answers; the lock lives in the
// store, so another provider process on the same data sees it. Parallel bursts:
// sign-in-lockout-parallel.test.ts.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManualClock } from '../../src/provider/clock';
import { generateToken } from '../../src/shared/token-format';
import type { ApiResponse } from '../builders/api-client';
import { createUser, type TestUser } from '../builders/users';
import { uniqueName } from '../builders/unique-name';
import { freshOtp, wrongOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { newSession, signIn } from '../builders/sessions';
import { addMember, createOrg } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { createClassicToken } from '../builders/tokens';
import { selectRows } from './helpers/database-access';
import { testDatabaseUrl } from './helpers/test-database';
import { startTestProvider, TestProvider } from './helpers/provider';

const MINUTE = 60_000;
function badCredentials(t: TestProvider): string {
  return JSON.stringify({ message: 'Bad credentials', documentation_url: `${t.provider.url}/-/docs/errors#401` });
}

/**
 * Headers that differ between answers whatever they say: the request id, the rate-limit counts,
 * and the rate-limit window's end (two answers on either side of a full hour name two windows).
 */
const PER_REQUEST_HEADERS = new Set(['date', 'x-github-request-id', 'x-ratelimit-remaining', 'x-ratelimit-used', 'x-ratelimit-reset']);

async function basicGetUser(t: TestProvider, login: string, password: string, otp?: string) {
  return t.api.get('/user', { basic: { login, password }, ...(otp !== undefined ? { otp } : {}) });
}

/** Status, body and every header but the per-request ones: what must not differ between refusals. */
function answer(r: ApiResponse): { status: number; text: string; headers: [string, string][] } {
  const headers = [...r.headers.entries()].filter(([k]) => !PER_REQUEST_HEADERS.has(k)).sort(([a], [b]) => a.localeCompare(b));
  return { status: r.status, text: r.text, headers };
}

describe('sign-in with Basic and lockout', () => {
  let t: TestProvider;
  let user: TestUser;

  beforeEach(async () => {
    t = await startTestProvider();
    user = await createUser(t);
  });
  afterEach(async () => t.close());

  it('accepts the right password (login or email) with method 2 (scheme case-insensitive)', async () => {
    const ok = await basicGetUser(t, user.login, user.password);
    assert.equal(ok.status, 200);
    assert.equal(ok.json.login, user.login);
    const byEmail = await basicGetUser(t, user.email, user.password);
    assert.equal(byEmail.status, 200);
    const lower = await t.api.get('/user', {
      headers: { authorization: `basic ${Buffer.from(`${user.login}:${user.password}`).toString('base64')}` },
    });
    assert.equal(lower.status, 200);
  });

  it('answers a wrong password, an unknown login and a locked account byte-identically (401 Bad credentials)', async () => {
    const wrong = await basicGetUser(t, user.login, 'wrong password');
    const unknown = await basicGetUser(t, uniqueName('ghost'), 'wrong password');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.text, badCredentials(t));
    assert.equal(wrong.headers.get('x-github-otp'), null);
    assert.deepEqual(answer(unknown), answer(wrong));
    for (let i = 0; i < 9; i++) await basicGetUser(t, user.login, `wrong ${i}`);
    const locked = await basicGetUser(t, user.login, user.password);
    assert.deepEqual(answer(locked), answer(wrong), 'a locked account looks like a wrong password');
    const lockedWrong = await basicGetUser(t, user.login, 'wrong password');
    assert.deepEqual(answer(lockedWrong), answer(wrong));
  });

  it('locks the account after 10 failures for 10 minutes, then lets it in again', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await basicGetUser(t, user.login, `wrong ${i}`);
      assert.equal(r.status, 401);
    }
    assert.equal((await basicGetUser(t, user.login, user.password)).status, 401, 'the 11th attempt, with the right password');
    assert.equal((await basicGetUser(t, user.email, user.password)).status, 401, 'by email too: one account');

    t.clock.advance(9 * MINUTE);
    assert.equal((await basicGetUser(t, user.login, user.password)).status, 401, 'still locked after 9 minutes');

    t.clock.advance(1 * MINUTE + 1000);
    const after = await basicGetUser(t, user.login, user.password);
    assert.equal(after.status, 200, 'the lock expired after 10 minutes');
  });

  it('audits a refused attempt once per lock, however many are refused; every refusal gets the same answer', async () => {
    const { token } = await signIn(t, user, ['read:user']);
    const refusedEntries = async () => {
      const log = await t.api.get('/user/audit-log?phrase=action:user.failed_login&per_page=100', { token });
      assert.equal(log.status, 200, log.text);
      return (log.json as { reason: string }[]).filter((e) => e.reason === 'refused').length;
    };
    for (let i = 0; i < 10; i++) await basicGetUser(t, user.login, `wrong ${i}`);
    const refusals = new Set<string>();
    for (let i = 0; i < 20; i++) refusals.add(JSON.stringify(answer(await basicGetUser(t, user.login, i % 2 ? user.password : `more ${i}`))));
    assert.equal(refusals.size, 1);
    assert.equal(JSON.parse([...refusals][0]).text, badCredentials(t));
    assert.equal(await refusedEntries(), 1, 'twenty refusals, one entry');

    t.clock.advance(10 * MINUTE + 1000);
    for (let i = 0; i < 10; i++) await basicGetUser(t, user.login, `again ${i}`);
    for (let i = 0; i < 5; i++) assert.equal((await basicGetUser(t, user.login, user.password)).text, badCredentials(t));
    assert.equal(await refusedEntries(), 2, 'the next lock: one more');
  });

  it('a success clears the count; failures spread over the window still lock', async () => {
    for (let i = 0; i < 9; i++) await basicGetUser(t, user.login, `wrong ${i}`);
    assert.equal((await basicGetUser(t, user.login, user.password)).status, 200);
    for (let i = 0; i < 9; i++) await basicGetUser(t, user.login, `again ${i}`);
    assert.equal((await basicGetUser(t, user.login, user.password)).status, 200, 'nine failures after a success do not lock');
    t.clock.advance(20 * MINUTE);
    for (let i = 0; i < 10; i++) await basicGetUser(t, user.login, `late ${i}`);
    assert.equal((await basicGetUser(t, user.login, user.password)).status, 401);
  });

  it('counts an unknown login the same way (a lock does not reveal that a login exists)', async () => {
    const ghost = uniqueName('ghost');
    const answers = new Set<string>();
    for (let i = 0; i < 12; i++) answers.add(JSON.stringify(answer(await basicGetUser(t, ghost, 'x'))));
    assert.equal(answers.size, 1);
    assert.equal(JSON.parse([...answers][0]).text, badCredentials(t));
  });

  it('failures of other accounts from the same address lock nobody else', async () => {
    const other = await createUser(t);
    for (let i = 0; i < 10; i++) await basicGetUser(t, other.login, `wrong ${i}`);
    for (let i = 0; i < 10; i++) await basicGetUser(t, uniqueName('spray'), 'password');
    assert.equal((await basicGetUser(t, user.login, user.password)).status, 200, 'same address, another account: not locked');
    assert.equal((await basicGetUser(t, other.login, other.password)).status, 401, 'the account that failed is locked');
  });

  it('records failed sign-ins in the audit log without the password', async () => {
    await basicGetUser(t, user.login, 'wrong-password-xyz');
    const log = await t.api.get('/user/audit-log', { basic: user });
    const failed = log.json.filter((e: { action: string }) => e.action === 'user.failed_login');
    assert.equal(failed.length, 1);
    assert.equal(failed[0].user, user.login);
    assert.ok(!log.text.includes('wrong-password-xyz'));
    assert.ok(!log.text.includes(user.password));
  });

  it('keeps neither a token sent as the Basic username nor a password typed as the login: `<token>:` and `<token>:x-oauth-basic` authenticate the token', async () => {
    const { token } = await createClassicToken(t, user, { scopes: ['read:user'] });
    for (const password of ['', 'x-oauth-basic']) {
      const r = await basicGetUser(t, token, password);
      assert.equal(r.status, 200, `<token>:${password}`);
      assert.equal(r.json.login, user.login);
    }
    // Any other password with a token-shaped username is refused as bad credentials, and is no sign-in attempt.
    assert.equal((await basicGetUser(t, token, 'some-password')).text, badCredentials(t));
    assert.equal((await basicGetUser(t, token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a'), '')).status, 401);
    // A password typed into the login field: counted against a digest of what was typed.
    const typedPassword = `Typed-${uniqueName('secret')}`;
    for (let i = 0; i < 2; i++) assert.equal((await basicGetUser(t, typedPassword, 'anything')).status, 401);
    const rows = [...(await selectRows(t, 'SELECT key FROM sign_in_failures')), ...(await selectRows(t, 'SELECT key FROM sign_in_attempts'))];
    assert.ok(rows.length >= 1, 'the failures are counted');
    for (const { key } of rows) {
      assert.match(String(key), /^(user:\d+|login:[0-9a-f]{64}|address:127\.0\.0\.1)$/); // the client address counts too
    }
    const audit = await selectRows(t, "SELECT * FROM audit_events WHERE action = 'user.failed_login'");
    assert.ok(audit.length >= 2, 'the failures are audited');
    const stored = JSON.stringify([rows, audit]).toLowerCase();
    assert.ok(!stored.includes(token.toLowerCase().slice(4)), 'no token in the lockout counts or the audit log');
    assert.ok(!stored.includes(typedPassword.toLowerCase()), 'no password typed as a login');
    // The lock of an unknown login still holds (ten failures of the same text lock it).
    for (let i = 0; i < 8; i++) await basicGetUser(t, typedPassword, 'anything');
    assert.equal((await basicGetUser(t, typedPassword.toUpperCase(), 'anything')).text, badCredentials(t));
    assert.equal((await selectRows(t, "SELECT key FROM sign_in_failures WHERE locked_until IS NOT NULL AND key NOT LIKE 'refusal-audited:%'")).length, 1);
  });

  it('ten correct sign-ins at once all succeed and lock nothing', async () => {
    const burst = await Promise.all(Array.from({ length: 10 }, () => basicGetUser(t, user.login, user.password)));
    assert.deepEqual(burst.map((r) => r.status), Array(10).fill(200));
    const big = await Promise.all(Array.from({ length: 40 }, () => basicGetUser(t, user.login, user.password)));
    for (const r of big) assert.ok(r.status === 200 || r.text === badCredentials(t), `${r.status} ${r.text}`);
    assert.ok(big.some((r) => r.status === 200));
    for (let i = 0; i < 9; i++) await basicGetUser(t, user.login, `wrong ${i}`);
    assert.equal((await basicGetUser(t, user.login, user.password)).status, 200, 'the busy refusals were not counted as failures');
  });
});

describe('the 11th attempt is refused even with the right secret, on every path', function () {
  this.timeout(60_000);
  let t: TestProvider;

  beforeEach(async () => {
    t = await startTestProvider();
  });
  afterEach(async () => t.close());

  /** The right secret works; 10 wrong ones fail; then the right one is refused like a wrong one. */
  async function provesLockout(attempt: (secret: 'right' | 'wrong', i: number) => Promise<ApiResponse>, ok: number, refused: number) {
    assert.equal((await attempt('right', -1)).status, ok, 'the right secret works before');
    let lastWrong: ApiResponse | undefined;
    for (let i = 0; i < 10; i++) {
      lastWrong = await attempt('wrong', i);
      assert.equal(lastWrong.status, refused, lastWrong.text);
    }
    const eleventh = await attempt('right', 10);
    assert.equal(eleventh.status, refused, eleventh.text);
    return { eleventh, lastWrong: lastWrong! };
  }

  it('Basic on the API (GET /user)', async () => {
    const user = await createUser(t);
    const { eleventh, lastWrong } = await provesLockout((s, i) => basicGetUser(t, user.login, s === 'right' ? user.password : `wrong ${i}`), 200, 401);
    assert.deepEqual(answer(eleventh), answer(lastWrong));
  });

  it('POST /authorizations', async () => {
    const user = await createUser(t);
    const post = (password: string, i: number) =>
      t.api.post('/authorizations', { basic: { login: user.login, password }, body: { scopes: ['user'], note: `lockout ${i}` } });
    const { eleventh } = await provesLockout((s, i) => post(s === 'right' ? user.password : `wrong ${i}`, i), 201, 401);
    assert.equal(eleventh.text, badCredentials(t));
    assert.equal((await basicGetUser(t, user.login, user.password)).status, 401, 'and the account is locked on every path');
  });

  it('Basic {email}/token: with an account API token', async () => {
    const owner = await newSession(t);
    const member = await newSession(t);
    const org = await createOrg(t, owner);
    await addMember(t, org, owner, member);
    const created = await t.api.post(`/orgs/${org}/account-tokens`, { token: owner.token, body: { name: 'lockout' } });
    assert.equal(created.status, 201, created.text);
    const as = (token: string) => t.api.get('/user', { basic: { login: `${member.user.email}/token`, password: token } });
    const { eleventh } = await provesLockout((s) => as(s === 'right' ? created.json.token : generateToken('account')), 200, 401);
    assert.equal(eleventh.text, badCredentials(t));
    assert.equal((await basicGetUser(t, member.user.login, member.user.password)).status, 401, 'one account: its password is locked too');
  });

  it('git Basic on info/refs', async () => {
    const s = await newSession(t);
    await createRepo(t, s, undefined, 'locked-site');
    const refs = (password: string) =>
      t.api.call('GET', `${t.provider.url}/${s.user.login}/locked-site.git/info/refs?service=git-upload-pack`, {
        basic: { login: s.user.login, password },
        headers: { accept: '*/*' },
      });
    // The right password is known but refused for git (403, use a token); once locked it is 401 like a wrong one.
    const { eleventh, lastWrong } = await provesLockout((kind, i) => refs(kind === 'right' ? s.user.password : `wrong ${i}`), 403, 401);
    assert.deepEqual(answer(eleventh), answer(lastWrong));
  });

  it('POST /user/sudo', async () => {
    const user = await createUser(t);
    const session = await signIn(t, user);
    const sudo = (password: string) => t.api.post('/user/sudo', { token: session.token, body: { password } });
    const { eleventh, lastWrong } = await provesLockout((s, i) => sudo(s === 'right' ? user.password : `wrong ${i}`), 200, 403);
    assert.deepEqual(answer(eleventh), answer(lastWrong));
  });

  it('X-GitHub-OTP: wrong codes ask for a code; once locked, the right password and code get Bad credentials', async () => {
    const user = await createUser(t);
    await enableTwoFactor(t, user);
    const { eleventh, lastWrong } = await provesLockout(
      async (s) => basicGetUser(t, user.login, user.password, s === 'right' ? await freshOtp(t, user) : await wrongOtp(t, user)),
      200,
      401,
    );
    assert.equal(lastWrong.headers.get('x-github-otp'), 'required; app', 'a wrong code asks for a code');
    assert.equal(eleventh.text, badCredentials(t));
    assert.equal(eleventh.headers.get('x-github-otp'), null, 'locked: the same answer as a wrong password');
    const wrongPassword = await basicGetUser(t, user.login, 'wrong password', await freshOtp(t, user));
    assert.deepEqual(answer(eleventh), answer(wrongPassword));
  });

  it('asking for the code (no X-GitHub-OTP) is not a failure, and does not reset the count', async () => {
    const user = await createUser(t);
    await enableTwoFactor(t, user);
    for (let i = 0; i < 12; i++) {
      const r = await basicGetUser(t, user.login, user.password);
      assert.equal(r.headers.get('x-github-otp'), 'required; app');
    }
    for (let i = 0; i < 9; i++) await basicGetUser(t, user.login, user.password, await wrongOtp(t, user));
    const ask = await basicGetUser(t, user.login, user.password);
    assert.equal(ask.headers.get('x-github-otp'), 'required; app');
    await basicGetUser(t, user.login, user.password, await wrongOtp(t, user));
    assert.equal((await basicGetUser(t, user.login, user.password, await freshOtp(t, user))).status, 401, 'ten wrong codes lock');
  });
});

describe('lockout shared between provider processes on one database', () => {
  it('a lock made through one provider holds on another over the same data folder', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-shared-'));
    const clock = new ManualClock();
    // One database: the data folder's SQLite file, or one PostgreSQL database for both.
    const databaseUrl = await testDatabaseUrl();
    const a = await startTestProvider({ dataDir, clock, databaseUrl });
    const b = await startTestProvider({ dataDir, clock, databaseUrl });
    try {
      const user = await createUser(a);
      assert.equal((await b.api.get('/user', { basic: user })).status, 200, 'B sees the user made through A');
      for (let i = 0; i < 10; i++) await a.api.get('/user', { basic: { login: user.login, password: `bad${i}` } });
      assert.equal((await b.api.get('/user', { basic: user })).status, 401, 'B refuses: locked through A');
    } finally {
      await a.close();
      await b.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
