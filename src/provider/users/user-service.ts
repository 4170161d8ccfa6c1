// Users' accounts and public profiles: signing up (POST /users; the first user is the site admin,
// closed sign-up lets only site admins make accounts), changing the caller's profile (PATCH /user; a new email
// needs the email scope or permission as well), an account's public profile by login (a user or an
// organization, GET /users/{username}) and the repositories of an account the caller may list.
import type { CreateUserRequest, UpdateUserRequest } from '../../shared/api-types';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit } from '../audit/audit';
import { checkNewPassword } from '../auth/new-password';
import type { Principal } from '../auth/principal';
import { AnyCaller, auditSourceOf, Caller } from '../authz/caller';
import { requireClassicScope, requireFineGrainedPermission } from '../authz/permission-check';
import type { ProviderContext } from '../context';
import { forbidden, HttpError, invalidField, notFound } from '../http/errors';
import { AccountOwner, ownerByLogin } from '../repos/account-owner';
import { listableRepositories, ListedRepository } from '../repos/repository-listing';
import { UniqueViolation } from '../store/errors';
import type { UserRecord } from '../store/users';
import { withTransaction } from '../transaction';
import { userProfileFromBody } from './user-profile-input';

/**
 * Makes an account (the first one is the site admin), audited as `user.create` by the caller, or
 * by the new user when the caller is anonymous. Closed sign-up: only a site admin makes accounts.
 */
export async function signUp(ctx: ProviderContext, caller: AnyCaller, input: CreateUserRequest): Promise<UserRecord> {
  const by = caller.principal?.user;
  // Closed, for anyone but an administrator: only the first account may still be made, as the
  // store decides atomically (several first sign-ups at once make one account). The count only
  // spares a sign-up that can no longer succeed the password hashing.
  const onlyFirst = ctx.settings.signup === 'closed' && !by?.siteAdmin;
  if (onlyFirst && (await ctx.store.users.count()) > 0) throw signUpClosed();
  if (ctx.settings.signup === 'closed' && by?.siteAdmin) requireSiteAdministration(caller.principal!);
  checkNewPassword(input.password, input.login);
  const passwordHash = await ctx.passwords.hash(input.password);
  const newUser = { login: input.login, email: input.email, name: input.name ?? null, passwordHash, createdAt: ctx.clock.now() };
  let user: UserRecord | undefined;
  try {
    user = onlyFirst ? await ctx.store.users.createFirst(newUser) : await ctx.store.users.createFirstIsAdmin(newUser);
  } catch (err) {
    if (err instanceof UniqueViolation) throw invalidField(err.field, 'is already taken', 'already_exists', 'User');
    throw err;
  }
  if (!user) throw signUpClosed();
  await audit(ctx, { user: by ?? user, ip: caller.ip }, AUDIT_ACTIONS.userCreate, { user, data: { login: user.login, site_admin: user.siteAdmin } });
  return user;
}

function signUpClosed(): HttpError {
  return forbidden('Sign-up is closed on this provider: ask an administrator to create your account');
}

/**
 * An administrator makes an account with their password (Basic) or a classic token holding GitHub
 * Enterprise Server's `site_admin` scope: any other token of theirs (an app's identity-only token,
 * a fine-grained token) does not act as the administrator.
 */
function requireSiteAdministration(principal: Principal): void {
  if (principal.method === 'password') return;
  if (principal.token?.kind !== 'classic') throw forbidden('Creating an account needs the administrator\'s password or a classic token with the site_admin scope');
  requireClassicScope(principal, ['site_admin']);
}

/** Changes the caller's name, email and GitHub profile fields, audited as `user.update`. */
export async function updateUser(ctx: ProviderContext, caller: Caller, body: UpdateUserRequest): Promise<UserRecord> {
  const { principal } = caller;
  if (body.email !== undefined) {
    requireClassicScope(principal, ['user']);
    requireFineGrainedPermission(principal, 'account', 'email_addresses', 'write');
  }
  try {
    return await withTransaction(ctx, async (tx) => {
      const user = await tx.store.users.update(principal.user.id, { name: body.name, email: body.email, profile: userProfileFromBody(body), updatedAt: ctx.clock.now() });
      if (!user) throw notFound();
      await audit(tx, auditSourceOf(caller), AUDIT_ACTIONS.userUpdate, { user, tokenId: principal.token?.id, data: { fields: Object.keys(body) } });
      return user;
    });
  } catch (err) {
    if (err instanceof UniqueViolation) throw invalidField(err.field, 'is already taken', 'already_exists', 'User');
    throw err;
  }
}

/** The account a login names (404 when none) and its number of public repositories. */
export async function publicAccount(ctx: ProviderContext, login: string): Promise<{ account: AccountOwner; publicRepos: number }> {
  const account = await ownerByLogin(ctx, login);
  if (!account) throw notFound();
  const publicRepos = (await ctx.store.repositories.list({ ownerType: account.type, ownerId: account.id, private: false })).length;
  return { account, publicRepos };
}

/**
 * The account's repositories the caller may list: the public ones, and private ones the caller's
 * credentials reach. Organization membership is not public on Tessera: `member` lists nothing.
 */
export async function accountRepositories(
  ctx: ProviderContext,
  principal: Principal | undefined,
  login: string,
  type: 'all' | 'owner' | 'member' = 'owner',
): Promise<{ items: ListedRepository[]; ssoSkipped: number[] }> {
  const account = await ownerByLogin(ctx, login);
  if (!account) throw notFound();
  const owned = type === 'member' ? [] : await ctx.store.repositories.list({ ownerType: account.type, ownerId: account.id });
  return listableRepositories(ctx, principal, owned, { publicForEveryone: true });
}
