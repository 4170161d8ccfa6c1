// Who a login names: a user or an organization (one namespace). Used to resolve `{owner}` in
// /repos/{owner}/{repo}, fine-grained resource owners and repository owners.
import type { ResourceOwnerRef } from '../authz/resource';
import type { ProviderContext } from '../context';
import type { OrganizationRecord } from '../store/organizations';
import type { ResourceOwnerType } from '../store/tokens';
import type { UserRecord } from '../store/users';

export type AccountOwner =
  | { type: 'User'; id: number; login: string; user: UserRecord }
  | { type: 'Organization'; id: number; login: string; org: OrganizationRecord };

/** The account `login` names (kept while the store has not changed: ctx.readCaches). */
export async function ownerByLogin(ctx: ProviderContext, login: string): Promise<AccountOwner | undefined> {
  if (!login || login.length > 100) return undefined;
  return ctx.readCaches.accounts.get(`login:${login.toLowerCase()}`, async () => {
    const user = await ctx.store.users.byLogin(login);
    if (user) return { type: 'User', id: user.id, login: user.login, user };
    const org = await ctx.store.organizations.byLogin(login);
    if (org) return { type: 'Organization', id: org.id, login: org.login, org };
    return undefined;
  }, ctx.store);
}

/** The account of this type and id (kept while the store has not changed: ctx.readCaches). */
export async function ownerById(ctx: ProviderContext, type: ResourceOwnerType, id: number): Promise<AccountOwner | undefined> {
  return ctx.readCaches.accounts.get(accountKey(type, id), async () => {
    if (type === 'User') {
      const user = await ctx.store.users.byId(id);
      return user ? { type: 'User', id, login: user.login, user } : undefined;
    }
    const org = await ctx.store.organizations.byId(id);
    return org ? { type: 'Organization', id, login: org.login, org } : undefined;
  }, ctx.store);
}

export function ownerRef(o: AccountOwner): ResourceOwnerRef {
  return { type: o.type, id: o.id, login: o.login };
}

/** `User:1` / `Organization:2`: a key for an account in maps. */
export function accountKey(type: ResourceOwnerType, id: number): string {
  return `${type}:${id}`;
}

/** These accounts (those that exist), by accountKey: kept ones from memory, the others in two queries whatever their number. */
export async function ownersByIds(ctx: ProviderContext, accounts: readonly { type: ResourceOwnerType; id: number }[]): Promise<Map<string, AccountOwner>> {
  const byKey = new Map(accounts.map((a) => [accountKey(a.type, a.id), a]));
  return ctx.readCaches.accounts.getMany([...byKey.keys()], async (missing) => {
    const ids = (type: ResourceOwnerType) => missing.map((k) => byKey.get(k)!).filter((a) => a.type === type).map((a) => a.id);
    const [users, orgs] = await Promise.all([ctx.store.users.byIds(ids('User')), ctx.store.organizations.byIds(ids('Organization'))]);
    return new Map<string, AccountOwner>([
      ...users.map((user) => [accountKey('User', user.id), { type: 'User', id: user.id, login: user.login, user }] as const),
      ...orgs.map((org) => [accountKey('Organization', org.id), { type: 'Organization', id: org.id, login: org.login, org }] as const),
    ]);
  }, ctx.store);
}

/** The logins of these accounts (those that exist), by accountKey (ownersByIds). */
export async function accountLogins(ctx: ProviderContext, accounts: readonly { type: ResourceOwnerType; id: number }[]): Promise<Map<string, string>> {
  return new Map([...(await ownersByIds(ctx, accounts))].map(([key, owner]) => [key, owner.login]));
}
