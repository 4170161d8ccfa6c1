// An org's account API token as its owners see it (never the secret, except once at creation).
import { apiBase, ProviderContext } from '../context';
import type { AccountTokenRecord } from '../store/account-tokens';
import type { OrganizationRecord } from '../store/organizations';
import type { TokenRecord } from '../store/tokens';
import { githubTime, githubTimeOrNull } from '../iso-time';

export async function accountTokenJson(ctx: ProviderContext, org: OrganizationRecord, t: TokenRecord, a: AccountTokenRecord, secret?: string): Promise<Record<string, unknown>> {
  return {
    id: t.id,
    name: t.note,
    description: t.description,
    ...(secret !== undefined ? { token: secret } : {}),
    token_last_eight: t.tokenLastEight,
    active: a.active && t.status === 'active',
    status: t.status === 'revoked' ? 'revoked' : a.active ? 'active' : 'inactive',
    created_at: githubTime(t.createdAt),
    created_by: (await ctx.store.users.byId(t.userId))?.login ?? null,
    deactivated_at: githubTimeOrNull(a.deactivatedAt),
    last_used_at: githubTimeOrNull(t.lastUsedAt),
    url: `${apiBase(ctx)}/orgs/${org.login}/account-tokens/${t.id}`,
  };
}
