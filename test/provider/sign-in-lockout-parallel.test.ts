// Bursts of parallel guesses against one account: an attempt is reserved before its secret is
// checked, so however many guesses arrive at once, no more than 10 are ever checked and the right
// secret sent last is refused. The provider runs in this process with a password hasher that
// counts verifications and can hold them (as a slow hash under load would), so the burst is all in
// flight before the first guess is answered. A flood of wrong passwords for many logins from one
// address is limited per address the same way, so it cannot queue scrypt work for everyone.
import * as assert from 'node:assert/strict';
import { boundedPasswordHasher, DEFAULT_SCRYPT, PasswordHasher } from '../../src/provider/auth/passwords';
import type { ApiResponse } from '../builders/api-client';
import { createUser, type TestUser } from '../builders/users';
import { freshOtp, totpAt } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';

function badCredentials(t: InProcessProvider): string {
  return JSON.stringify({ message: 'Bad credentials', documentation_url: `${t.provider.url}/-/docs/errors#401` });
}

/**
 * A real hasher whose verifications are counted and, while held, wait for release(). Cheap scrypt
 * parameters: the test counts verifications, it does not need each to cost 32 MiB.
 */
class HeldHasher {
  verifications = 0;
  private readonly real = boundedPasswordHasher({ params: { ...DEFAULT_SCRYPT, N: 2 ** 10 } });
  private gate: Promise<void> | undefined;
  private open = () => {};
  private readonly watchers: { n: number; resolve: () => void }[] = [];

  readonly hasher: PasswordHasher = {
    hash: (password) => this.real.hash(password),
    verify: async (password, stored) => {
      await this.enter();
      return this.real.verify(password, stored);
    },
    verifyUnknown: async (password) => {
      await this.enter();
      return this.real.verifyUnknown(password);
    },
    needsRehash: (stored) => this.real.needsRehash(stored),
  };

  /** Holds verifications from now on, counting from zero. */
  hold(): void {
    this.verifications = 0;
    this.gate = new Promise<void>((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open();
    this.gate = undefined;
  }

  /** Resolves once `n` verifications have begun. */
  started(n: number): Promise<void> {
    if (this.verifications >= n) return Promise.resolve();
    return new Promise((resolve) => this.watchers.push({ n, resolve }));
  }

  private async enter(): Promise<void> {
    this.verifications++;
    for (const w of this.watchers.filter((x) => x.n <= this.verifications)) {
      this.watchers.splice(this.watchers.indexOf(w), 1);
      w.resolve();
    }
    await this.gate;
  }
}

/** Sends `wrong` in parallel; once `holding` verifications have begun, sends `right` too. */
async function burst(held: HeldHasher, wrong: (() => Promise<ApiResponse>)[], right: () => Promise<ApiResponse>) {
  held.hold();
  const wrongAnswers = Promise.all(wrong.map((send) => send()));
  await held.started(10);
  const rightAnswer = right();
  // The right guess is answered at once (refused before any check), or — without the reservation —
  // it joins the held verifications.
  await Promise.race([rightAnswer, held.started(wrong.length + 1)]);
  held.release();
  return { wrong: await wrongAnswers, right: await rightAnswer };
}

describe('parallel guesses against one account', function () {
  this.timeout(120_000);
  let t: InProcessProvider;
  let held: HeldHasher;
  let user: TestUser;

  beforeEach(async () => {
    held = new HeldHasher();
    t = await startInProcessProvider({ passwords: held.hasher });
    user = await createUser(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const basic = (password: string, otp?: string) => t.api.get('/user', { basic: { login: user.login, password }, ...(otp ? { otp } : {}) });

  async function failedLogins(reason: string): Promise<number> {
    const rows = await t.store.audit.list({ involvingUserId: user.id, action: 'user.failed_login', limit: 1000, offset: 0 });
    return rows.filter((r) => r.data.reason === reason).length;
  }

  it('200 password guesses with the right one last: at most 10 verified, the right one refused', async () => {
    const wrong = Array.from({ length: 199 }, (_, i) => () => basic(`wrong guess ${i}`));
    const answers = await burst(held, wrong, () => basic(user.password));
    assert.equal(answers.right.status, 401, 'the right password, sent during the burst, is refused');
    assert.equal(answers.right.text, badCredentials(t));
    for (const r of answers.wrong) assert.equal(r.text, badCredentials(t));
    assert.ok(held.verifications <= 10, `${held.verifications} passwords verified`);
    assert.equal(await failedLogins('password'), 10, 'ten failures recorded');
    assert.equal(await failedLogins('refused'), 1, 'the 190 refusals are recorded once');
    assert.equal((await basic(user.password)).status, 401, 'the account is locked afterwards');
    assert.ok(held.verifications <= 10, 'a locked account verifies nothing');
  });

  it('300 TOTP codes with the right password, the right code last: at most 10 checked, the right code refused', async () => {
    await enableTwoFactor(t, user);
    const rightCode = await freshOtp(t, user);
    const now = t.clock.now().getTime();
    const valid = new Set(await Promise.all([-1, 0, 1].map((step) => totpAt(user.totpSecret!, new Date(now + step * 30_000)))));
    const wrongCodes: string[] = [];
    for (let n = 0; wrongCodes.length < 299; n++) if (!valid.has(String(n).padStart(6, '0'))) wrongCodes.push(String(n).padStart(6, '0'));
    const wrong = wrongCodes.map((code) => () => basic(user.password, code));
    const answers = await burst(held, wrong, () => basic(user.password, rightCode));
    assert.equal(answers.right.status, 401, 'the right code, sent during the burst, is refused');
    assert.equal(answers.right.text, badCredentials(t));
    assert.ok(held.verifications <= 10, `${held.verifications} passwords verified`);
    assert.ok((await failedLogins('two_factor')) <= 10, 'at most ten codes checked');
    assert.equal((await basic(user.password, await freshOtp(t, user))).status, 401, 'the account is locked afterwards');
  });
});

describe('a flood of wrong passwords from one address', function () {
  this.timeout(120_000);
  const FLOODER = '203.0.113.7';
  const ADDRESS_LIMIT = 100;
  let t: InProcessProvider;
  let held: HeldHasher;
  let user: TestUser;

  beforeEach(async () => {
    held = new HeldHasher();
    t = await startInProcessProvider({ passwords: held.hasher, trustProxy: ['127.0.0.1'] });
    user = await createUser(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const from = (address: string, login: string, password: string) =>
    t.api.get('/user', { basic: { login, password }, headers: { 'x-forwarded-for': address } });

  it('200 wrong passwords for 200 logins at once: at most 100 verified; a right password from another address still signs in', async () => {
    held.hold();
    let answered = 0;
    let onAnswer = () => {};
    const answersIn = (n: number) => new Promise<void>((resolve) => (onAnswer = () => answered >= n && resolve()));
    const refusedAtOnce = answersIn(200 - ADDRESS_LIMIT);
    const flood = Array.from({ length: 200 }, (_, i) =>
      from(FLOODER, `nobody-${i}`, `wrong guess ${i}`).then((r) => {
        answered++;
        onAnswer();
        return r;
      }),
    );
    // With the limit, the attempts beyond it are answered without waiting for the held hasher;
    // without it, every one of them joins the queue of scrypt work.
    await Promise.race([refusedAtOnce, held.started(ADDRESS_LIMIT + 1)]);
    held.release();
    const answers = await Promise.all(flood);
    for (const r of answers) assert.equal(r.text, badCredentials(t));
    assert.equal(held.verifications, ADDRESS_LIMIT, 'only the attempts within the address limit cost a password verification');

    const before = held.verifications;
    assert.equal((await from(FLOODER, user.login, user.password)).text, badCredentials(t), 'the flooding address is refused, even the right password');
    assert.equal(held.verifications, before, 'without a verification');
    const elsewhere = await from('198.51.100.4', user.login, user.password);
    assert.equal(elsewhere.status, 200, 'the right password from another address signs in');
    assert.equal(elsewhere.json.login, user.login);
  });
});
