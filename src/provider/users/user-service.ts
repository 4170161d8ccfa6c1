// Users' accounts and public profiles: changing the caller's profile (PATCH /user; a new email
// needs the email scope or permission as well), an account's public profile by login (a user or an
// organization, GET /users/{username}) and the repositories of an account the caller may list.
import type { UpdateUserRequest } from '../../shared/api-types';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit } from '../audit/audit';
import type { Principal } from '../auth/principal';
import { auditSourceOf, Caller } from '../authz/caller';
import { requireClassicScope, requireFineGrainedPermission } from '../authz/permission-check';
import type { ProviderContext } from '../context';
import { invalidField, notFound } from '../http/errors';
import { AccountOwner, ownerByLogin } from '../repos/account-owner';
import { listableRepositories, ListedRepository } from '../repos/repository-listing';
import { UniqueViolation } from '../store/errors';
import type { UserRecord } from '../store/users';
import { withTransaction } from '../transaction';
import { userProfileFromBody } from './user-profile-input';

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
