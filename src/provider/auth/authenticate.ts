// Turns a request's credentials into a Principal, in one of four ways:
//   1. `Authorization: token <t>` / `Bearer <t>`
//   2. Basic `login:password` (+ `X-GitHub-OTP` when the user has 2FA)
//   3. Basic `<anything>:<token>` (git style; `x-access-token` works too), or `<token>:` and
//      `<token>:x-oauth-basic` (the token as the username, as GitHub takes it)
//   4. Basic `{email}/token:{tsa_...}` (account API token; ctx.accountTokens)
// Returns undefined when the request carries no credentials; throws a 401 HttpError when it
// carries bad ones.
import type { ProviderContext } from '../context';
import type { MaybePromise } from '../maybe-promise';
import { badCredentials, HttpError } from '../http/errors';
import { accountTokenEmail } from './account-token';
import { looksLikeToken, parseAuthorization } from './credentials';
import { Checked, checkUnderLockout } from './lockout';
import type { Principal } from './principal';
import { signIn } from './sign-in';
import { tokenPrincipal } from './token-auth';

interface CredentialSource {
  authorization: string | undefined;
  otp: string | undefined;
  ip: string;
}

/**
 * Bad credentials throw or reject with a 401. A token found in the principal cache is answered
 * at once (no promise): what every request of a busy client takes.
 */
export function authenticate(ctx: ProviderContext, src: CredentialSource): MaybePromise<Principal | undefined> {
  const creds = parseAuthorization(src.authorization);
  if (!creds) return undefined;
  if (creds.scheme === 'token') {
    if (creds.token.startsWith('tsa_')) throw badCredentials(); // account tokens only as {email}/token
    return tokenPrincipal(ctx, creds.token);
  }
  const { username, password } = creds;
  const email = accountTokenEmail(username);
  if (email !== undefined && password.startsWith('tsa_')) {
    return signInWithAccountToken(ctx, email, password, src);
  }
  if (looksLikeToken(password)) return tokenFromBasic(ctx, password);
  // A token-shaped username is never a login (logins have no `_`): it is not tried as a password
  // sign-in, which would keep the token in the lockout count and the audit log.
  if (looksLikeToken(username)) {
    if (password !== '' && password !== 'x-oauth-basic') throw badCredentials();
    return tokenFromBasic(ctx, username);
  }
  return signInWithPassword(ctx, username, password, src);
}

function tokenFromBasic(ctx: ProviderContext, token: string): MaybePromise<Principal> {
  if (token.startsWith('tsa_')) throw badCredentials(); // account tokens only as {email}/token
  return tokenPrincipal(ctx, token);
}

/**
 * Method 4 counts against the account of the email like a password: a wrong token is a failure,
 * and a locked account refuses even the right one. The right one only releases its attempt: a
 * token proves neither the password nor the second factor, so it does not clear their failures.
 */
async function signInWithAccountToken(ctx: ProviderContext, email: string, secret: string, src: CredentialSource): Promise<Principal> {
  const user = email.length <= 320 ? await ctx.store.users.byEmail(email) : undefined;
  return checkUnderLockout(ctx, { user, login: email, ip: src.ip }, async (): Promise<Checked<Principal>> => {
    try {
      return { outcome: 'released', value: await ctx.accountTokens(ctx, email, secret, src.ip) };
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 401) throw err;
      return { outcome: 'failure', failed: 'account_token', error: err };
    }
  });
}

async function signInWithPassword(ctx: ProviderContext, login: string, password: string, src: CredentialSource): Promise<Principal> {
  const user = await signIn(ctx, { login, password, otp: src.otp, ip: src.ip });
  return { user, method: 'password', freshProof: true };
}
