// Turns a request's credentials into a Principal, in one of four ways:
//   1. `Authorization: token <t>` / `Bearer <t>`
//   2. Basic `login:password` (+ `X-GitHub-OTP` when the user has 2FA)
//   3. Basic `<anything>:<token>` (git style; `x-access-token` works too)
//   4. Basic `{email}/token:{tsa_...}` (account API token; ctx.accountTokens)
// Returns undefined when the request carries no credentials; throws a 401 HttpError when it
// carries bad ones.
import type { ProviderContext } from '../context';
import { badCredentials } from '../http/errors';
import { accountTokenEmail } from './account-token';
import { looksLikeToken, parseAuthorization } from './credentials';
import type { Principal } from './principal';
import { signIn } from './sign-in';
import { authenticateToken } from './token-auth';

export interface CredentialSource {
  authorization: string | undefined;
  otp: string | undefined;
  ip: string;
}

/** Bad credentials reject with a 401. */
export async function authenticate(ctx: ProviderContext, src: CredentialSource): Promise<Principal | undefined> {
  const creds = parseAuthorization(src.authorization);
  if (!creds) return undefined;
  if (creds.scheme === 'token') {
    if (creds.token.startsWith('tsa_')) throw badCredentials(); // account tokens only as {email}/token
    return authenticateToken(ctx, creds.token);
  }
  const { username, password } = creds;
  const email = accountTokenEmail(username);
  if (email !== undefined && password.startsWith('tsa_')) {
    return ctx.accountTokens(ctx, email, password, src.ip);
  }
  if (looksLikeToken(password)) {
    if (password.startsWith('tsa_')) throw badCredentials();
    return authenticateToken(ctx, password);
  }
  return signInWithPassword(ctx, username, password, src);
}

async function signInWithPassword(ctx: ProviderContext, login: string, password: string, src: CredentialSource): Promise<Principal> {
  const user = await signIn(ctx, { login, password, otp: src.otp, ip: src.ip });
  return { user, method: 'password', freshProof: true };
}
