// Sign-in and sudo prompts (QuickInput; sign-up is sign-up-ui.ts). Provider → login → password
// (masked) → the 2FA code only when the provider answers `X-GitHub-OTP: required` (a recovery code
// works in its place). Every step can be cancelled with Escape and cancelling shows nothing (a token
// the provider makes for an answer checked meanwhile is deleted there); a wrong code says so
// and lets the user try again; a wrong password too, up to three times, then the sign-in stops
// asking before the provider's lock; a lockout says when to retry; a provider that is down is named.
// The flow ends signed in, cancelled, or failed: left on a step whose last answer the provider
// refused or could not take (wrong password, wrong code, lock, provider down), or ended by a
// failure before or after the steps. Callers such as the authentication provider tell the two apart.
import * as vscode from 'vscode';
import type { CoreServices } from '../core-services';
import { normalizeOrigin } from '../provider/origin';
import { TesseraError, type AccountInfo } from '../services';
import { BACK, inOneTurn, inputStep, pick, type PickItem, type StepButton, type StepResult } from './quick-input';
import { completeSignIn, discardSignIn, requestAdminToken } from './sign-in-core';

const TITLE = 'Sign in to Tessera';
const TOTP = /^\d{6}$/;
/** A recovery code as the provider hands them out (`xxxxx-xxxxx`, hex), typed with or without the dash. */
const RECOVERY_CODE = /^[0-9a-f]{5}-?[0-9a-f]{5}$/i;
const CODE_PROMPT = 'Enter the 6-digit code from your authenticator app — lost it? Type one of your recovery codes (xxxxx-xxxxx) instead';
const RECOVERY_PROMPT = 'Enter one of your recovery codes (xxxxx-xxxxx; each works once)';
/** The provider's lockout (docs/security.md): 10 failed attempts lock sign-in for 10 minutes. */
const LOCK_THRESHOLD = 10;
const LOCK_MINUTES = 10;
/**
 * Wrong passwords one sign-in takes before it stops asking. The provider answers every refusal
 * alike ("Bad credentials": no count of tries left, no sign of a lock), and counts the attempts
 * made anywhere, so this editor cannot know how many are left: it stops well before the lock.
 */
const PASSWORD_TRIES = 3;
const PASSWORD_STOP = `Incorrect login or password, ${PASSWORD_TRIES} times: Tessera stopped asking. The provider locks password sign-in for ${LOCK_MINUTES} minutes after ${LOCK_THRESHOLD} failed attempts in a row, counting those made anywhere, and does not say how many are left. Check the login and password, then sign in again.`;

/**
 * A locked account answers exactly like a wrong password (logins cannot be enumerated), so the
 * lock is inferred: a password the provider accepted a moment ago (it asked for the code) that now
 * gets "Bad credentials" means the account is locked.
 */
function lockedMessage(): string {
  const at = new Date(Date.now() + LOCK_MINUTES * 60_000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return `Too many failed attempts: sign-in is locked for ${LOCK_MINUTES} minutes. Try again in ${LOCK_MINUTES} minutes (after ${at}).`;
}

/** How an interactive sign-in ended; `reason` is what the person was shown (never a secret). */
export type SignInOutcome =
  | { readonly kind: 'signed-in'; readonly account: AccountInfo }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'failed'; readonly reason: string };

const CANCELLED: SignInOutcome = { kind: 'cancelled' };

/** The account an outcome signed in, if any (callers for whom a failure was shown already). */
export function signedInAccount(outcome: SignInOutcome): AccountInfo | undefined {
  return outcome.kind === 'signed-in' ? outcome.account : undefined;
}

interface SignInOptions {
  /** Skip the provider step. */
  readonly origin?: string;
  readonly login?: string;
}

function describeProblem(err: unknown, origin: string): string {
  if (err instanceof TesseraError) {
    switch (err.kind) {
      case 'provider-down':
      case 'network':
      case 'locked':
        return err.message;
      case 'signed-out':
        return 'Incorrect login or password.';
      default:
        return err.message;
    }
  }
  return `Sign-in to ${origin} failed: ${err instanceof Error ? err.message : String(err)}`;
}

/** Asks which provider to sign in to; undefined when cancelled. */
async function pickProvider(core: CoreServices, title = TITLE): Promise<string | undefined> {
  const configured = core.providers.configuredOrigin();
  const embedded = core.providers.setting().mode === 'embedded';
  const items: PickItem<string | 'other'>[] = [
    {
      label: embedded ? '$(server-process) Embedded provider' : '$(globe) Configured provider',
      description: configured,
      detail: embedded ? 'Runs inside VS Code on this machine' : "From the setting 'tessera.providerUrl'",
      value: configured,
    },
  ];
  const seen = new Set([configured]);
  for (const a of core.accounts()) {
    if (!seen.has(a.providerOrigin)) {
      seen.add(a.providerOrigin);
      items.push({ label: '$(globe) ' + new URL(a.providerOrigin).host, description: a.providerOrigin, value: a.providerOrigin });
    }
  }
  items.push({ label: '$(link) Another provider…', description: 'Enter the URL of a Tessera provider', value: 'other' });
  const chosen = await pick(title, items, 'Choose the Tessera provider');
  if (chosen !== 'other') return chosen;
  const url = await inputStep<string>({
    title,
    prompt: 'The https:// URL of a Tessera provider (tessera serve)',
    placeholder: 'https://tessera.example.com',
    validate: (v) => (v.trim() && !normalizeOrigin(v) ? 'Enter an https:// URL (http:// only for 127.0.0.1 / localhost)' : undefined),
    accept: (v) => (normalizeOrigin(v) ? { done: normalizeOrigin(v)! } : { error: 'Enter an https:// URL' }),
  });
  return typeof url === 'string' ? url : undefined;
}

/** The whole interactive sign-in (a cancellation shows nothing; a failure was shown when it ends). */
export async function signInInteractive(core: CoreServices, opts: SignInOptions = {}): Promise<SignInOutcome> {
  const origin = opts.origin ?? (await pickProvider(core));
  if (!origin) return CANCELLED;
  try {
    await core.providers.ensureReady(origin);
  } catch (err) {
    await core.showError(err, 'Sign in to Tessera');
    return { kind: 'failed', reason: describeProblem(err, origin) };
  }
  /** The provider's answer to the last try on the step shown now, when it refused or failed. */
  const refused: { last?: string } = {};
  const leave = (): SignInOutcome => (refused.last ? { kind: 'failed', reason: refused.last } : CANCELLED);

  let login = opts.login ?? '';
  let stage: 'login' | 'password' | 'otp' = 'login';
  let password = '';
  let passwordError: string | undefined;
  const failures = { n: 0 };
  let passwordFailures = 0;
  const total = 3;
  for (;;) {
    if (stage === 'login') {
      const r = await inputStep<string>({
        title: TITLE,
        step: 1,
        totalSteps: total,
        prompt: `Your login on ${origin}`,
        placeholder: 'login',
        value: login,
        validate: (v) => (v.trim() ? undefined : 'Enter your login'),
        accept: (v) => ({ done: v.trim() }),
      });
      if (typeof r !== 'string') return CANCELLED;
      login = r;
      refused.last = undefined;
      stage = 'password';
      continue;
    }
    if (stage === 'password') {
      const r = await inputStep<{ token?: { id: number; token: string }; otp?: true; stop?: true; pw: string }>({
        title: TITLE,
        step: 2,
        totalSteps: total,
        prompt: `Password for ${login} on ${origin}`,
        placeholder: 'password',
        password: true,
        back: true,
        ...(passwordError ? { initialError: passwordError } : {}),
        validate: (v) => (v ? undefined : 'Enter your password'),
        // Escape while the password was checked: the token the provider made for it is deleted.
        abandoned: (late) => {
          if (late.token) void discardSignIn(core.client, origin, late.token, core.log, 'cancelled');
        },
        accept: async (pw) => {
          refused.last = undefined; // a new try: only its own refusal counts
          try {
            const auth = await requestAdminToken(core.client, origin, login, pw, undefined, await core.store.machineId());
            return { done: { token: auth, pw } };
          } catch (err) {
            if (err instanceof TesseraError && err.kind === 'otp-required') return { done: { otp: true as const, pw } };
            core.log.info(`Sign-in of ${login} at ${origin}: ${err instanceof Error ? err.message : String(err)}`);
            if (err instanceof TesseraError && err.kind === 'signed-out') {
              passwordFailures++;
              if (passwordFailures >= PASSWORD_TRIES) {
                refused.last = PASSWORD_STOP;
                return { done: { stop: true as const, pw: '' } };
              }
              const left = PASSWORD_TRIES - passwordFailures;
              refused.last = 'Incorrect login or password.';
              return { error: `${refused.last} ${left === 1 ? 'One more try' : `${left} more tries`} here before Tessera stops asking (the provider locks sign-in after ${LOCK_THRESHOLD} failed attempts).`, clear: true };
            }
            refused.last = describeProblem(err, origin);
            return { error: refused.last };
          }
        },
      });
      if (r === BACK) {
        refused.last = undefined;
        stage = 'login';
        continue;
      }
      if (!r) return leave();
      if (r.stop) {
        void core.showError(new TesseraError('signed-out', PASSWORD_STOP), TITLE);
        return { kind: 'failed', reason: PASSWORD_STOP };
      }
      password = r.pw;
      passwordError = undefined;
      refused.last = undefined;
      if (r.token) return finish(core, origin, r.token);
      stage = 'otp';
      continue;
    }
    // stage === 'otp'
    const r = await otpStep(core, origin, login, password, total, failures, refused);
    if (r === BACK) {
      refused.last = undefined;
      stage = 'password';
      password = '';
      continue;
    }
    if (!r) return leave();
    return finish(core, origin, r);
  }
}

function otpButtons<T>(state: { recovery: boolean }): StepButton<T>[] {
  const useRecovery: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('key'), tooltip: 'Use a recovery code instead' };
  return [
    {
      button: useRecovery,
      onClick: (box) => {
        state.recovery = !state.recovery;
        box.prompt = state.recovery ? RECOVERY_PROMPT : CODE_PROMPT;
        box.placeholder = state.recovery ? 'recovery code, e.g. 1a2b3-4c5d6' : '123456 — or a recovery code';
        box.value = '';
        box.validationMessage = undefined;
      },
    },
  ];
}

function otpStep(core: CoreServices, origin: string, login: string, password: string, total: number, failures: { n: number }, refused: { last?: string }) {
  const state = { recovery: false };
  return inputStep<{ id: number; token: string }>({
    title: TITLE,
    step: 3,
    totalSteps: total,
    prompt: CODE_PROMPT,
    placeholder: '123456 — or a recovery code',
    back: true,
    buttons: otpButtons(state),
    abandoned: (late) => void discardSignIn(core.client, origin, late, core.log, 'cancelled'),
    validate: (v) => {
      const c = v.replace(/\s+/g, '');
      if (!c || RECOVERY_CODE.test(c)) return undefined;
      if (state.recovery) return /^[0-9a-f-]*$/i.test(c) ? undefined : 'A recovery code looks like 1a2b3-4c5d6 (digits and letters a–f)';
      if (!TOTP.test(c)) return 'The code has 6 digits — or type one of your recovery codes (xxxxx-xxxxx)';
      return undefined;
    },
    accept: async (v): Promise<StepResult<{ id: number; token: string }>> => {
      const code = v.replace(/\s+/g, '');
      if (!code) return { error: state.recovery ? 'Enter a recovery code' : 'Enter the 6-digit code' };
      // A recovery code typed into the code box counts as one (the provider takes either).
      const recovery = state.recovery || RECOVERY_CODE.test(code);
      refused.last = undefined; // a new try: only its own refusal counts
      try {
        return { done: await requestAdminToken(core.client, origin, login, password, code, await core.store.machineId()) };
      } catch (err) {
        if (err instanceof TesseraError && err.kind === 'signed-out') {
          // The provider asked for a code with this very password, so "Bad credentials" now is the lock.
          core.log.info(`Sign-in of ${login} at ${origin}: locked after too many failed attempts`);
          refused.last = lockedMessage();
          return { error: refused.last, clear: true };
        }
        if (err instanceof TesseraError && err.kind === 'otp-required') {
          failures.n++;
          core.log.info(`Sign-in of ${login} at ${origin}: the ${recovery ? 'recovery code' : 'code'} was not accepted`);
          const warn = failures.n >= LOCK_THRESHOLD - 2 ? ` (after ${LOCK_THRESHOLD} failed attempts sign-in locks for ${LOCK_MINUTES} minutes)` : '';
          refused.last = recovery
            ? `That recovery code is not valid (each one works once). Try another.${warn}`
            : `That code is not valid. Wait for a new code in your authenticator app and try again.${warn}`;
          return { error: refused.last, clear: true };
        }
        refused.last = describeProblem(err, origin);
        return { error: refused.last };
      }
    },
  });
}

/** Stores the new sign-in and says so; shows what went wrong instead (failed). */
export async function finish(core: CoreServices, origin: string, auth: { id: number; token: string }): Promise<SignInOutcome> {
  try {
    const account = await completeSignIn(core.client, core.store, origin, auth, core.log);
    void vscode.window.showInformationMessage(`Signed in to Tessera as ${account.login}${core.providers.isEmbeddedOrigin(origin) ? '' : ` (${origin})`}.`);
    return { kind: 'signed-in', account };
  } catch (err) {
    await core.showError(err, 'Sign in to Tessera');
    return { kind: 'failed', reason: describeProblem(err, origin) };
  }
}

/** Escape while the password (or code) was checked, and the provider opened sudo mode: say so. */
function sudoOpenedAnyway(core: CoreServices, account: AccountInfo): void {
  core.log.info(`Sudo mode opened for ${account.login} just as the prompt was cancelled`);
  void vscode.window.showInformationMessage(
    `Sudo mode was opened for ${account.login} just as you cancelled (the provider had checked your password): for two hours, changes will not ask for it again. What you were doing was not done.`,
  );
}

/**
 * Sudo: password (+ code when the account has 2FA), then POST /user/sudo, in one turn. False when
 * cancelled; when the provider opened sudo mode for an answer checked as the person cancelled, that is said.
 */
export function sudoInteractive(core: CoreServices, account: AccountInfo): Promise<boolean> {
  return inOneTurn(() => sudoSteps(core, account));
}

async function sudoSteps(core: CoreServices, account: AccountInfo): Promise<boolean> {
  const title = `Confirm access for ${account.login}`;
  let password = '';
  let needCode = account.twoFactorEnabled === true; // unknown: the provider asks for the code when it needs one
  for (;;) {
    const pw = await inputStep<{ pw: string; needCode: boolean }>({
      title,
      step: 1,
      totalSteps: needCode ? 2 : 1,
      prompt: 'Tessera asks for your password again before this change (sudo mode, valid for two hours).',
      placeholder: 'password',
      password: true,
      validate: (x) => (x ? undefined : 'Enter your password'),
      abandoned: (late) => {
        if (!late.needCode) sudoOpenedAnyway(core, account);
      },
      accept: async (x) => {
        if (needCode) return { done: { pw: x, needCode: true } };
        try {
          await core.openSudo(account.id, x);
          return { done: { pw: x, needCode: false } };
        } catch (err) {
          if (err instanceof TesseraError && err.kind === 'otp-required') return { done: { pw: x, needCode: true } };
          if (err instanceof TesseraError && ['signed-out', 'forbidden', 'validation'].includes(err.kind)) {
            return { error: `Incorrect password (${err.message})`, clear: true };
          }
          return { error: err instanceof Error ? err.message : String(err) };
        }
      },
    });
    if (!pw || pw === BACK) return false;
    password = pw.pw;
    if (!pw.needCode) return true;
    needCode = true;
    const state = { recovery: false };
    const r = await inputStep<true | 'password'>({
      title,
      step: 2,
      totalSteps: 2,
      prompt: 'Enter the 6-digit code from your authenticator app',
      placeholder: '123456',
      back: true,
      buttons: otpButtons(state),
      validate: (x) => (x.trim() && !state.recovery && !TOTP.test(x.replace(/\s+/g, '')) ? 'The code has 6 digits' : undefined),
      abandoned: (late) => {
        if (late === true) sudoOpenedAnyway(core, account);
      },
      accept: async (x) => {
        try {
          await core.openSudo(account.id, password, x);
          return { done: true };
        } catch (err) {
          if (err instanceof TesseraError && /password/i.test(err.message) && !/code|otp/i.test(err.message)) {
            return { done: 'password' };
          }
          if (err instanceof TesseraError && ['otp-required', 'signed-out', 'forbidden', 'validation'].includes(err.kind)) {
            return { error: 'That code (or the password) was not accepted. Try a new code.', clear: true };
          }
          return { error: err instanceof Error ? err.message : String(err) };
        }
      },
    });
    if (r === true) return true;
    if (r === BACK || r === 'password') continue;
    return false;
  }
}
