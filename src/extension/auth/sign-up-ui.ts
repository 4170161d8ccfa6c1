// Sign-up prompts (QuickInput): login → email → password → the password again, then sign-up and
// sign-in. A login already taken is said at its own step, before the others are asked; whatever
// the provider refuses at the end (a login taken meanwhile, an email in use) sends the user back
// to that field's step with the provider's message, the other answers kept: once it is fixed the
// account is made, the password not asked again. Escape cancels at any step and shows nothing,
// except when the account was made meanwhile (Escape while it was being made): that is said, with
// Sign In.
import * as vscode from 'vscode';
import { LOGIN_RULE, loginProblem } from '../../shared/login-format';
import { originApi } from '../api/provider-api';
import type { CoreServices } from '../core-services';
import { TesseraError, type AccountInfo } from '../services';
import { BACK, inOneTurn, inputStep } from './quick-input';
import { requestAdminToken } from './sign-in-core';
import { finish, signedInAccount } from './sign-in-ui';

const FIELDS = ['login', 'email', 'password'] as const;
type Field = (typeof FIELDS)[number];

/** What the provider says of a login in use (POST /users' 422), said here before the other steps. */
const TAKEN = 'login: is already taken';

/**
 * Whether an account (a user or an organization) has this login: GET /users/{login}, which anyone
 * may read. Not found, or no answer, is not taken: the sign-up's own answer decides.
 */
async function loginTaken(core: CoreServices, origin: string, login: string): Promise<boolean> {
  try {
    await originApi(core.client, origin).getAccount(login);
    return true;
  } catch {
    return false;
  }
}

/** Sign-up on a provider whose sign-up is open (the embedded one is), then sign in; its steps in one turn. */
export function signUpInteractive(core: CoreServices, opts: { origin?: string } = {}): Promise<AccountInfo | undefined> {
  return inOneTurn(() => signUpSteps(core, opts));
}

async function signUpSteps(core: CoreServices, opts: { origin?: string }): Promise<AccountInfo | undefined> {
  const title = 'Create a Tessera account';
  const origin = opts.origin ?? core.providers.embeddedOrigin();
  try {
    await core.providers.ensureReady(origin);
  } catch (err) {
    await core.showError(err, title);
    return undefined;
  }
  const v = { login: '', email: '', password: '' };
  const errors: Partial<Record<Field | 'confirm', string>> = {};
  /** The password was typed twice: once a refused login or email is fixed, the account is made without asking again. */
  let confirmed = false;
  /** POST /users: made, or the field the provider refused (its message kept for that step), or another error. */
  const create = async (): Promise<'created' | Field | { error: string }> => {
    try {
      await originApi(core.client, origin).createUser({ login: v.login, email: v.email, password: v.password });
      return 'created';
    } catch (err) {
      const fe = err instanceof TesseraError && err.kind === 'validation' ? err.details.fieldErrors?.find((f) => (FIELDS as readonly string[]).includes(f.field)) : undefined;
      if (fe) {
        errors[fe.field as Field] = `${fe.field}: ${fe.message}`;
        if (fe.field === 'password') confirmed = false;
        return fe.field as Field;
      }
      return { error: err instanceof Error ? err.message : String(err) };
    }
  };
  let stage: Field | 'confirm' | 'submit' = 'login';
  for (;;) {
    if (stage === 'login') {
      const r = await inputStep<string>({
        title, step: 1, totalSteps: 4, prompt: `Choose a login on ${origin}: ${LOGIN_RULE}`, placeholder: 'login', value: v.login,
        ...(errors.login ? { initialError: errors.login } : {}),
        validate: (x) => loginProblem(x.trim()),
        accept: async (x) => ((await loginTaken(core, origin, x.trim())) ? { error: TAKEN } : { done: x.trim() }),
      });
      if (typeof r !== 'string') return undefined;
      v.login = r;
      delete errors.login;
      stage = confirmed ? 'submit' : 'email';
    } else if (stage === 'email') {
      const r = await inputStep<string>({
        title, step: 2, totalSteps: 4, prompt: 'Your email address', placeholder: 'you@example.com', value: v.email, back: true,
        ...(errors.email ? { initialError: errors.email } : {}),
        validate: (x) => (x.trim() && !/^[^@\s]+@[^@\s]+$/.test(x.trim()) ? 'Enter an email address' : undefined),
        accept: (x) => (x.trim() ? { done: x.trim() } : { error: 'Enter an email address' }),
      });
      if (r === BACK) { stage = 'login'; continue; }
      if (typeof r !== 'string') return undefined;
      v.email = r;
      delete errors.email;
      stage = confirmed ? 'submit' : 'password';
    } else if (stage === 'password') {
      const r = await inputStep<string>({
        title, step: 3, totalSteps: 4, prompt: 'Choose a password', placeholder: 'password', password: true, back: true,
        ...(errors.password ? { initialError: errors.password } : {}),
        validate: (x) => (x ? undefined : 'Enter a password'),
        accept: (x) => ({ done: x }),
      });
      if (r === BACK) { stage = 'email'; continue; }
      if (typeof r !== 'string') return undefined;
      v.password = r;
      delete errors.password;
      stage = 'confirm';
    } else if (stage === 'confirm') {
      const r = await inputStep<'created' | Field>({
        title, step: 4, totalSteps: 4, prompt: 'Type the password again', placeholder: 'password', password: true, back: true,
        ...(errors.confirm ? { initialError: errors.confirm } : {}),
        accept: async (x) => {
          if (x !== v.password) return { error: 'The passwords do not match', clear: true };
          confirmed = true;
          const made = await create();
          return typeof made === 'string' ? { done: made } : made;
        },
        // Escape while the account was being made: it exists now, so say so (the person may sign in).
        abandoned: (late) => {
          if (late === 'created') void toldMadeAnyway(core, origin, v.login);
        },
      });
      delete errors.confirm;
      if (r === BACK) { stage = 'password'; continue; }
      if (!r) return undefined;
      if (r !== 'created') { stage = r; continue; }
      return signInToNewAccount(core, origin, v.login, v.password);
    } else {
      const made = await create();
      if (made === 'created') return signInToNewAccount(core, origin, v.login, v.password);
      if (typeof made === 'string') { stage = made; continue; }
      // Not a field's fault (the provider went away, …): the last step again, with what happened.
      errors.confirm = made.error;
      stage = 'confirm';
    }
  }
}

async function toldMadeAnyway(core: CoreServices, origin: string, login: string): Promise<void> {
  core.log.info(`Created the account ${login} on ${origin} (the sign-up was cancelled as it was made)`);
  const choice = await vscode.window.showInformationMessage(`The account ${login} was created on ${origin} just as you cancelled. Sign in to use it.`, 'Sign In');
  if (choice === 'Sign In') await vscode.commands.executeCommand(core.signInCommand, { origin });
}

async function signInToNewAccount(core: CoreServices, origin: string, login: string, password: string): Promise<AccountInfo | undefined> {
  core.log.info(`Created the account ${login} on ${origin}`);
  try {
    const auth = await requestAdminToken(core.client, origin, login, password, undefined, await core.store.machineId());
    return signedInAccount(await finish(core, origin, auth));
  } catch (err) {
    await core.showError(err, 'Sign in to the new account');
    return undefined;
  }
}
