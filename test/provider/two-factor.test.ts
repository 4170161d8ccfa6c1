// Two-factor: setup / enable / disable, the X-GitHub-OTP challenge exactly as GitHub sent it,
// TOTP ±1 step, replayed codes refused, single-use recovery codes stored hashed.
import * as assert from 'node:assert/strict';
import { selectRows } from './helpers/database-access';
import { createUser, type TestUser } from '../builders/users';
import { freshOtp, totpAt } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { signIn } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { startTestProvider, TestProvider } from './helpers/provider';

const OTP_MESSAGE = 'Must specify two-factor authentication OTP code.';

describe('two-factor authentication', () => {
  let t: TestProvider;
  let user: TestUser;

  beforeEach(async () => {
    t = await startTestProvider();
    user = await createUser(t);
  });
  afterEach(async () => t.close());

  function basicUser(otp?: string) {
    return t.api.get('/user', { basic: user, otp });
  }

  it('setup answers a base32 secret and an otpauth:// URI; 2FA stays off until enabled', async () => {
    const { token } = await signIn(t, user, ['user']);
    const setup = await t.api.post('/user/two-factor/setup', { token });
    assert.equal(setup.status, 200);
    assert.match(setup.json.secret, /^[A-Z2-7]{32}$/);
    const uri = new URL(setup.json.otpauth_uri);
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.host, 'totp');
    assert.equal(uri.searchParams.get('secret'), setup.json.secret);
    assert.equal(uri.searchParams.get('issuer'), 'Tessera');
    assert.ok(decodeURIComponent(uri.pathname).includes(user.login));
    assert.equal((await basicUser()).status, 200, 'no code needed before enable');
    const status = await t.api.get('/user/two-factor', { token });
    assert.deepEqual(status.json, { enabled: false, setup_pending: true, recovery_codes_remaining: 0 });
  });

  it('enable refuses a wrong code (422 naming code) and answers ten recovery codes for a current one', async () => {
    const { token } = await signIn(t, user, ['user']);
    const setup = await t.api.post('/user/two-factor/setup', { token });
    const wrong = await t.api.post('/user/two-factor/enable', { token, body: { code: '000000' === (await totpAt(setup.json.secret, t.clock.now())) ? '111111' : '000000' } });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.json.errors[0].field, 'code');
    const code = await totpAt(setup.json.secret, t.clock.now());
    const en = await t.api.post('/user/two-factor/enable', { token, body: { code } });
    assert.equal(en.status, 200, en.text);
    assert.equal(en.json.recovery_codes.length, 10);
    assert.equal(new Set(en.json.recovery_codes).size, 10);
    const me = await t.api.get('/user', { token });
    assert.equal(me.json.two_factor_authentication, true);
  });

  it('enabling needs sudo: a token without an open window cannot confirm a pending setup (nor guess its code for the recovery codes)', async () => {
    const { token } = await signIn(t, user, ['user']);
    const setup = await t.api.post('/user/two-factor/setup', { token });
    assert.equal(setup.status, 200, setup.text);
    const pat = await createClassicToken(t, user, { scopes: ['user'] }); // a PAT has no sudo window
    const code = await totpAt(setup.json.secret, t.clock.now());
    const refused = await t.api.post('/user/two-factor/enable', { token: pat.token, body: { code } });
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.headers.get('x-tessera-sudo'), 'required');
    assert.equal(refused.json.recovery_codes, undefined);
    assert.deepEqual((await t.api.get('/user/two-factor', { token })).json, { enabled: false, setup_pending: true, recovery_codes_remaining: 0 });
    const en = await t.api.post('/user/two-factor/enable', { token, body: { code } });
    assert.equal(en.status, 200, en.text);
  });

  it('without a code (or with a wrong one) answers 401 with X-GitHub-OTP: required; app and the exact message', async () => {
    await enableTwoFactor(t, user);
    for (const otp of [undefined, '123456', 'abc']) {
      t.clock.advance(30_000);
      const res = await basicUser(otp);
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('x-github-otp'), 'required; app');
      assert.equal(res.json.message, OTP_MESSAGE);
    }
    const ok = await basicUser(await freshOtp(t, user));
    assert.equal(ok.status, 200);
  });

  it('a wrong password with 2FA is plain Bad credentials (no OTP challenge)', async () => {
    await enableTwoFactor(t, user);
    const res = await t.api.get('/user', { basic: { login: user.login, password: 'nope' } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('x-github-otp'), null);
    assert.equal(res.json.message, 'Bad credentials');
  });

  it('refuses a replayed code, and any step at or before the last accepted one', async () => {
    await enableTwoFactor(t, user);
    const code = await freshOtp(t, user);
    assert.equal((await basicUser(code)).status, 200);
    const replay = await basicUser(code);
    assert.equal(replay.status, 401, 'the same code twice');
    assert.equal(replay.headers.get('x-github-otp'), 'required; app');
    // The previous step is inside the ±1 window but at/before the last accepted step.
    const previous = await totpAt(user.totpSecret!, new Date(t.clock.now().getTime() - 30_000));
    assert.equal((await basicUser(previous)).status, 401);
  });

  it('accepts the previous, current and next step, not two steps away', async () => {
    await enableTwoFactor(t, user);
    const secret = user.totpSecret!;
    t.clock.advance(10 * 30_000);
    const at = (steps: number) => totpAt(secret, new Date(t.clock.now().getTime() + steps * 30_000));
    const twoBack = await at(-2);
    assert.equal((await basicUser(twoBack)).status, 401, 'two steps back');
    const twoAhead = await at(2);
    assert.equal((await basicUser(twoAhead)).status, 401, 'two steps ahead');
    assert.equal((await basicUser(await at(-1))).status, 200, 'previous step');
    assert.equal((await basicUser(await at(0))).status, 200, 'current step');
    assert.equal((await basicUser(await at(1))).status, 200, 'next step');
  });

  it('a recovery code works once in place of a code, and is stored only as a digest', async () => {
    const { recoveryCodes } = await enableTwoFactor(t, user);
    const code = recoveryCodes[3];
    assert.equal((await basicUser(code)).status, 200);
    assert.equal((await basicUser(code)).status, 401, 'second use refused');
    assert.equal((await basicUser(recoveryCodes[4].toUpperCase())).status, 200, 'case-insensitive');
    const status = await t.api.get('/user/two-factor', { basic: user, otp: recoveryCodes[5] });
    assert.equal(status.json.recovery_codes_remaining, 7);

    const dump = JSON.stringify(await selectRows(t, 'SELECT * FROM recovery_codes'));
    for (const c of recoveryCodes) assert.ok(!dump.includes(c), 'recovery code stored in clear');
  });

  it('setup again while enabled is refused; disable needs sudo, then Basic needs no code', async () => {
    const signedIn = await signIn(t, user, ['user']);
    await enableTwoFactor(t, user, signedIn.token);
    const again = await t.api.post('/user/two-factor/setup', { token: signedIn.token });
    assert.equal(again.status, 422);

    t.clock.advance(2 * 60 * 60_000 + 1000); // the sign-in's sudo window closes
    const noSudo = await t.api.post('/user/two-factor/disable', { token: signedIn.token });
    assert.equal(noSudo.status, 403);
    assert.equal(noSudo.headers.get('x-tessera-sudo'), 'required');

    const sudo = await t.api.post('/user/sudo', { token: signedIn.token, body: { password: user.password, otp: await freshOtp(t, user) } });
    assert.equal(sudo.status, 200, sudo.text);
    const off = await t.api.post('/user/two-factor/disable', { token: signedIn.token });
    assert.equal(off.status, 204, off.text);
    assert.equal((await basicUser()).status, 200);
    const log = await t.api.get('/user/audit-log', { basic: user });
    const actions = log.json.map((e: { action: string }) => e.action);
    assert.ok(actions.includes('two_factor_authentication.enabled'));
    assert.ok(actions.includes('two_factor_authentication.disabled'));
    assert.ok(!log.text.includes(user.totpSecret!), 'no TOTP secret in the audit log');
  });

  it('new recovery codes need sudo, answer ten codes, retire every earlier one and are audited', async () => {
    const signedIn = await signIn(t, user, ['user']);
    const { recoveryCodes: old } = await enableTwoFactor(t, user, signedIn.token);
    assert.equal((await basicUser(old[0])).status, 200, 'an old code works before');

    t.clock.advance(2 * 60 * 60_000 + 1000); // the sign-in's sudo window closes
    const noSudo = await t.api.post('/user/two-factor/recovery-codes', { token: signedIn.token });
    assert.equal(noSudo.status, 403);
    assert.equal(noSudo.headers.get('x-tessera-sudo'), 'required');
    assert.equal((await basicUser(old[1])).status, 200, 'refused without sudo: old codes still work');

    const sudo = await t.api.post('/user/sudo', { token: signedIn.token, body: { password: user.password, otp: await freshOtp(t, user) } });
    assert.equal(sudo.status, 200, sudo.text);
    const fresh = await t.api.post('/user/two-factor/recovery-codes', { token: signedIn.token });
    assert.equal(fresh.status, 200, fresh.text);
    const codes: string[] = fresh.json.recovery_codes;
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const c of codes) assert.ok(!old.includes(c), 'a new code repeats an old one');

    for (const c of old.slice(2, 5)) {
      const res = await basicUser(c);
      assert.equal(res.status, 401, 'an old (unused) recovery code is refused');
      assert.equal(res.headers.get('x-github-otp'), 'required; app');
    }
    assert.equal((await basicUser(codes[0])).status, 200, 'a new code works');
    const status = await t.api.get('/user/two-factor', { token: signedIn.token });
    assert.equal(status.json.recovery_codes_remaining, 9);

    const log = await t.api.get('/user/audit-log', { token: signedIn.token });
    const event = log.json.find((e: { action: string }) => e.action === 'two_factor_authentication.recovery_codes_regenerated');
    assert.ok(event, 'audit event recorded');
    for (const c of codes) assert.ok(!log.text.includes(c), 'no recovery code in the audit log');
  });

  it('new recovery codes without 2FA enabled: 422 naming two_factor_authentication; a body is refused', async () => {
    const { token } = await signIn(t, user, ['user']);
    const off = await t.api.post('/user/two-factor/recovery-codes', { token });
    assert.equal(off.status, 422);
    assert.equal(off.json.errors[0].field, 'two_factor_authentication');
    await enableTwoFactor(t, user, token);
    const extra = await t.api.post('/user/two-factor/recovery-codes', { token, body: { count: 50 } });
    assert.equal(extra.status, 422);
  });

  it('wrong codes count toward the lockout', async () => {
    await enableTwoFactor(t, user);
    for (let i = 0; i < 10; i++) {
      t.clock.advance(30_000);
      await basicUser('999999' === (await totpAt(user.totpSecret!, t.clock.now())) ? '888888' : '999999');
    }
    const locked = await basicUser(await freshOtp(t, user));
    assert.equal(locked.status, 401);
    assert.equal(locked.json.message, 'Bad credentials');
  });
});
