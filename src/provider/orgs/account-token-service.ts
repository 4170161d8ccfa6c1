// Account API tokens of an org (Zendesk's model): adding one (at most 256 per org, a limit that
// holds under concurrent requests), renaming, (de)activating (reactivating needs sudo) and
// deleting — each as one transaction with its audit event.
import { audit } from '../audit/audit';
import { assertSudo } from '../auth/sudo';
import { auditSourceOf, Caller } from '../authz/caller';
import type { ProviderContext } from '../context';
import type { Page } from '../http/pagination';
import { invalidField, notFound } from '../http/errors';
import type { AccountTokenRecord } from '../store/account-tokens';
import type { OrganizationRecord } from '../store/organizations';
import type { TokenRecord } from '../store/tokens';
import { mintToken } from '../tokens/token-service';
import { ORG_AUDIT_ACTIONS } from './org-audit';
import { ownerTransaction } from './owner-transaction';

export const MAX_ACCOUNT_TOKENS_PER_ORG = 256;

interface AccountToken {
  token: TokenRecord;
  account: AccountTokenRecord;
}

function auditData(token: TokenRecord): Record<string, unknown> {
  return { token_name: token.note, token_last_eight: token.tokenLastEight };
}

/** The values of the fields a change names (an audit event's before or after; never the secret). */
function changedValues(token: TokenRecord, account: AccountTokenRecord, change: { name?: string; description?: string | null; active?: boolean }): Record<string, unknown> {
  const all: Record<string, unknown> = { name: token.note, description: token.description, active: account.active };
  return Object.fromEntries(Object.keys(change).filter((k) => k in all).map((k) => [k, all[k]]));
}

/** The org's account token with this id (404 otherwise). */
export async function orgAccountToken(ctx: ProviderContext, org: OrganizationRecord, id: number): Promise<AccountToken> {
  const account = await ctx.store.accountTokens.get(id);
  const token = account?.orgId === org.id ? await ctx.store.tokens.byId(id) : undefined;
  if (!account || !token || token.kind !== 'account') throw notFound();
  return { token, account };
}

/** One page of the org's account tokens and how many there are. */
export async function listAccountTokens(ctx: ProviderContext, org: OrganizationRecord, page: Page): Promise<{ items: AccountToken[]; total: number }> {
  const all = await ctx.store.accountTokens.list(org.id);
  const items: AccountToken[] = [];
  for (const account of all.slice(page.offset, page.offset + page.limit)) {
    const token = await ctx.store.tokens.byId(account.tokenId);
    if (token) items.push({ token, account });
  }
  return { items, total: all.length };
}

export async function createAccountToken(
  ctx: ProviderContext,
  caller: Caller,
  org: OrganizationRecord,
  input: { name: string; description?: string | null },
): Promise<AccountToken & { secret: string }> {
  return ownerTransaction(ctx, org, caller.principal.user.id, async (tx) => {
    if ((await tx.store.accountTokens.count(org.id)) >= MAX_ACCOUNT_TOKENS_PER_ORG) {
      throw invalidField('name', `cannot be added: '${org.login}' already has the maximum of ${MAX_ACCOUNT_TOKENS_PER_ORG} account API tokens (delete one first)`, 'custom');
    }
    const { record, secret } = await mintToken(tx, {
      userId: caller.principal.user.id,
      kind: 'account',
      note: input.name,
      description: input.description ?? null,
      resourceOwnerType: 'Organization',
      resourceOwnerId: org.id,
      status: 'active',
      expiresAt: null,
    });
    const account = await tx.store.accountTokens.add(record.id, org.id);
    await audit(tx, auditSourceOf(caller), ORG_AUDIT_ACTIONS.accountTokenCreate, { org, tokenId: record.id, data: auditData(record) });
    return { token: record, account, secret };
  });
}

export async function updateAccountToken(
  ctx: ProviderContext,
  caller: Caller,
  org: OrganizationRecord,
  id: number,
  change: { name?: string; description?: string | null; active?: boolean },
): Promise<AccountToken> {
  return ownerTransaction(ctx, org, caller.principal.user.id, async (tx) => {
    let { token, account } = await orgAccountToken(tx, org, id);
    const before = changedValues(token, account, change);
    const now = ctx.clock.now();
    const { name, description, active } = change;
    const toggled = active !== undefined && active !== account.active;
    if (active === true && !account.active) {
      if (token.status === 'revoked') throw invalidField('active', 'cannot be set: the token was revoked');
      assertSudo(caller.principal, ctx.clock); // reactivating a credential is widening
    }
    if (name !== undefined || description !== undefined) {
      token = (await tx.store.tokens.update(token.id, { note: name, description, updatedAt: now })) ?? token;
    }
    if (toggled) account = (await tx.store.accountTokens.setActive(token.id, active, now)) ?? account;
    const action = !toggled ? ORG_AUDIT_ACTIONS.accountTokenUpdate : active ? ORG_AUDIT_ACTIONS.accountTokenReactivate : ORG_AUDIT_ACTIONS.accountTokenDeactivate;
    await audit(tx, auditSourceOf(caller), action, {
      org,
      tokenId: token.id,
      data: { ...auditData(token), fields: Object.keys(change), before, after: changedValues(token, account, change) },
    });
    return { token, account };
  });
}

export async function deleteAccountToken(ctx: ProviderContext, caller: Caller, org: OrganizationRecord, id: number): Promise<void> {
  await ownerTransaction(ctx, org, caller.principal.user.id, async (tx) => {
    const { token } = await orgAccountToken(tx, org, id);
    await tx.store.tokens.delete(token.id);
    await audit(tx, auditSourceOf(caller), ORG_AUDIT_ACTIONS.accountTokenDestroy, { org, tokenId: token.id, data: auditData(token) });
  });
}
