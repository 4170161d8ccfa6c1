// Signing in without keeping the password: the 2013 flow itself. `POST /authorizations` with Basic
// login:password (+ `X-GitHub-OTP` when challenged) makes a classic token with `admin:token`,
// `user`, `repo` and `delete_repo`; that token is the account's credential. Its fingerprint names this machine, so a new
// sign-in deletes the earlier sign-in tokens of the same machine. Signing out deletes it (and the
// session tokens minted for other extensions) on the provider when reachable, then forgets every secret.
import * as os from 'node:os';
import type { AccountStore } from '../accounts/account-store';
import type { AuthorizationJson } from '../../shared/api-types';
import type { HttpClient } from '../api/http-client';
import { allPages, originApi } from '../api/provider-api';
import type { TokenJson } from '../../shared/api-types';
import { isSignInOfMachine, signInFingerprint } from './sign-in-fingerprint';
import { twoFactorStateOf } from '../accounts/account-identity';
import { TesseraError, type AccountInfo } from '../services';

// `repo` and `delete_repo` let the editor create and delete repositories; they add no power to
// `admin:token`, which can mint a token with any scope.
export const ADMIN_SCOPES = ['admin:token', 'user', 'repo', 'delete_repo'] as const;

/** The classic admin token for login/password (+ code). Rejects with 'otp-required', 'signed-out' (wrong login or password), 'locked', 'provider-down', … */
export async function requestAdminToken(
  client: HttpClient,
  origin: string,
  login: string,
  password: string,
  otp: string | undefined,
  machineId: string,
): Promise<AuthorizationJson & { token: string }> {
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const api = originApi(client, origin, { auth: { kind: 'basic', username: login, password }, ...(otp ? { otp: otp.replace(/\s+/g, '') } : {}) });
  const auth = await api.createAuthorization({
    scopes: [...ADMIN_SCOPES],
    note: `Tessera for VS Code on ${os.hostname()} (${when} UTC)`,
    fingerprint: signInFingerprint(machineId),
  });
  if (!auth || typeof auth.token !== 'string' || !auth.token || typeof auth.id !== 'number') {
    throw new TesseraError('server', `The provider at ${origin} answered the sign-in without a token.`);
  }
  return auth as AuthorizationJson & { token: string };
}

/**
 * Reads the user with the new token and records the account; deletes the account's older admin
 * token and any earlier sign-in token of this machine left on the provider (e.g. from a sign-out
 * while the provider was down).
 */
export async function completeSignIn(
  client: HttpClient,
  store: AccountStore,
  origin: string,
  auth: { id: number; token: string },
  log: { info(m: string): void; warn(m: string): void },
): Promise<AccountInfo> {
  let recorded;
  try {
    const user = await originApi(client, origin, { auth: { kind: 'token', token: auth.token } }).currentUser();
    recorded = {
      user,
      ...(await store.addAccount(
        // The sign-in token has the `user` scope (ADMIN_SCOPES), so GET /user shows it the 2FA state;
        // an answer without it (a provider that leaves it out) records it as unknown, never as off.
        { providerOrigin: origin, userId: user.id, login: user.login, twoFactorEnabled: twoFactorStateOf(user) },
        { tokenId: auth.id, token: auth.token },
      )),
    };
  } catch (err) {
    // A sign-in that cannot be recorded (secret storage unavailable, ...) leaves no token behind.
    await discardSignIn(client, origin, auth, log, 'unrecorded');
    throw err;
  }
  const { user, account, previousAdmin } = recorded;
  log.info(`Signed in to ${origin} as ${user.login}`);
  if (previousAdmin) {
    // Signed in again: the older admin token is no longer needed.
    await deleteToken(client, origin, auth.token, previousAdmin.tokenId).catch((err) =>
      log.warn(`Could not delete the previous sign-in token ${previousAdmin.tokenId}: ${String(err)}`),
    );
  }
  await deleteEarlierSignIns(client, store, origin, auth, await store.machineId()).catch((err) =>
    log.warn(`Could not delete the earlier sign-in tokens of this machine: ${String(err)}`),
  );
  return account;
}

/**
 * Best effort: deletes on the provider the token of a sign-in that will not be kept (`why`: an
 * unrecorded one, or one cancelled while the provider checked it); a failure is only logged.
 */
export async function discardSignIn(
  client: HttpClient,
  origin: string,
  auth: { id: number; token: string },
  log: { warn(m: string): void },
  why: 'unrecorded' | 'cancelled',
): Promise<void> {
  await deleteToken(client, origin, auth.token, auth.id).catch((e: unknown) => log.warn(`Could not delete the ${why} sign-in token ${auth.id}: ${String(e)}`));
}

/** Deletes the user's other sign-in tokens made on this machine (never one an account here still uses). */
async function deleteEarlierSignIns(
  client: HttpClient,
  store: AccountStore,
  origin: string,
  auth: { id: number; token: string },
  machineId: string,
): Promise<void> {
  const inUse = new Set(store.allCached().map((s) => s.admin.tokenId));
  inUse.add(auth.id);
  const api = originApi(client, origin, { auth: { kind: 'token', token: auth.token } });
  const tokens: TokenJson[] = await allPages((page) => api.listTokens(page), 50);
  const earlier = tokens.filter((t) => t.kind === 'classic' && !inUse.has(t.id) && isSignInOfMachine(t.fingerprint, machineId));
  for (const t of earlier) await deleteToken(client, origin, auth.token, t.id);
}

/** DELETE /user/personal-access-tokens/{id}; a token already gone counts as deleted. */
export async function deleteToken(client: HttpClient, origin: string, adminToken: string, tokenId: number): Promise<void> {
  try {
    await originApi(client, origin, { auth: { kind: 'token', token: adminToken } }).deleteToken(tokenId);
  } catch (err) {
    if (err instanceof TesseraError && err.kind === 'not-found') return;
    throw err;
  }
}

interface SignOutResult {
  readonly login: string;
  readonly deletedOnProvider: boolean;
  readonly problem?: string;
  /** The sign-in had already ended on the provider (its token revoked, deleted or expired). */
  readonly endedBefore?: boolean;
}

/**
 * Deletes the account's admin token and its session tokens on the provider (when reachable) and
 * forgets all its secrets. Tokens the user made in the Tokens view stay on the provider. A sign-in
 * that had already ended there (401) leaves nothing to delete but the session tokens it could not
 * reach: the problem says how many still work, never "sign in again" as the reason.
 */
export async function signOut(
  client: HttpClient,
  store: AccountStore,
  accountId: string,
  log: { info(m: string): void; warn(m: string): void },
): Promise<SignOutResult | undefined> {
  const secrets = await store.read(accountId);
  const account = store.account(accountId);
  if (!secrets && !account) return undefined;
  const login = secrets?.account.login ?? account?.login ?? accountId;
  let deletedOnProvider = true;
  let endedBefore = false;
  let problem: string | undefined;
  if (secrets) {
    const origin = secrets.account.providerOrigin;
    const token = secrets.admin.token;
    let sessionsLeft = secrets.sessions.length;
    try {
      for (const s of secrets.sessions) {
        await deleteToken(client, origin, token, s.tokenId);
        sessionsLeft--;
      }
      await deleteToken(client, origin, token, secrets.admin.tokenId);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (err instanceof TesseraError && err.kind === 'signed-out') {
        endedBefore = true;
        if (sessionsLeft) {
          deletedOnProvider = false;
          problem =
            `its sign-in had already ended there (its token was revoked, deleted or has expired), so ${sessionsLeft === 1 ? 'the token' : `${sessionsLeft} tokens`} ` +
            `that other extensions got from this account could not be deleted and still ${sessionsLeft === 1 ? 'works' : 'work'}: sign in again and delete ${sessionsLeft === 1 ? 'it' : 'them'} in the Tokens view.`;
        }
      } else {
        deletedOnProvider = false;
        problem = reason;
      }
      log.warn(`Sign-out of ${login}: the provider could not delete the tokens (${reason}); forgetting them here anyway`);
    }
  }
  await store.removeAccount(accountId);
  log.info(`Signed out ${login} (${accountId.split('#')[0]})`);
  return { login, deletedOnProvider, ...(problem ? { problem } : {}), ...(endedBefore ? { endedBefore } : {}) };
}
