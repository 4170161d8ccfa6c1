// Second factors and sudo under concurrency, on two providers sharing one database (SQLite file, or
// PostgreSQL under TESSERA_TEST_DB=postgres): a TOTP code is accepted once however many requests
// send it at the same instant, a recovery code works once, a burst of wrong codes gets no more
// checks than the lockout allows, and POST /user/sudo with one code opens one window.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createUser, type TestUser } from '../builders/users';
import { freshOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { signIn } from '../builders/sessions';
import { startTestProvider, TestProvider } from './helpers/provider';

const N = 8; // below the lockout's ten attempts in flight

describe('second factors under concurrency', function () {
  this.timeout(120_000);
  let first: TestProvider;
  let second: TestProvider;
  let dataDir: string;
  let user: TestUser;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-2fa-race-'));
    first = await startTestProvider({ dataDir });
    second = await startTestProvider({ dataDir, databaseUrl: first.databaseUrl, clock: first.clock });
  });
  after(async () => {
    await second?.close();
    await first?.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    user = await createUser(first);
    await enableTwoFactor(first, user);
  });

  const via = (i: number) => (i % 2 ? second : first);

  it(`one TOTP code sent by ${N} requests at once, to two providers: exactly one is accepted`, async () => {
    const otp = await freshOtp(first, user);
    const answers = await Promise.all(Array.from({ length: N }, (_, i) => via(i).api.get('/user', { basic: user, otp })));
    assert.equal(answers.filter((r) => r.status === 200).length, 1, answers.map((r) => r.status).join(' '));
    assert.equal(answers.filter((r) => r.status === 401).length, N - 1);
  });

  it(`one recovery code sent by ${N} requests at once, to two providers: exactly one is accepted`, async () => {
    const otp = user.recoveryCodes![0];
    const answers = await Promise.all(Array.from({ length: N }, (_, i) => via(i).api.get('/user', { basic: user, otp })));
    assert.equal(answers.filter((r) => r.status === 200).length, 1, answers.map((r) => r.status).join(' '));
  });

  it('30 wrong codes with the right password at once, to two providers: at most 10 are checked, then the account is locked', async () => {
    const { token } = await signIn(first, user, ['user']);
    const codes = Array.from({ length: 30 }, (_, i) => String(100000 + i));
    const answers = await Promise.all(codes.map((otp, i) => via(i).api.get('/user', { basic: user, otp })));
    assert.ok(answers.every((r) => r.status === 401), answers.map((r) => r.status).join(' '));
    const log = await first.api.get(`/user/audit-log?phrase=action:user.failed_login&per_page=100`, { token });
    const reasons = log.json.map((e: { reason: string }) => e.reason);
    assert.ok(reasons.filter((r: string) => r === 'two_factor').length <= 10, reasons.join(' '));
    assert.equal(reasons.filter((r: string) => r === 'refused').length, 1, 'the refusals are recorded once');
    assert.equal(reasons.length, reasons.filter((r: string) => r === 'two_factor').length + 1, reasons.join(' '));
    const right = await second.api.get('/user', { basic: user, otp: await freshOtp(first, user) });
    assert.equal(right.status, 401, 'locked: the right code is refused too');
  });

  it(`POST /user/sudo with one code from ${N} tokens at once: exactly one window opens`, async () => {
    const tokens: string[] = [];
    for (let i = 0; i < N; i++) tokens.push((await signIn(first, user, ['user'])).token);
    first.clock.advance(3 * 3600_000); // every sign-in window closed
    const otp = await freshOtp(first, user);
    const answers = await Promise.all(tokens.map((token, i) => via(i).api.post('/user/sudo', { token, body: { password: user.password, otp } })));
    assert.equal(answers.filter((r) => r.status === 200).length, 1, answers.map((r) => `${r.status} ${r.text}`).join('\n'));
  });
});
