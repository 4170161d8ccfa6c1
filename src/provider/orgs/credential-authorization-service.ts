// SSO credential authorizations of an org: a member authorizes one of their own tokens for it
// (classic, or fine-grained owned by the org), owners list them, and owners or the credential's
// own user remove one. Each change commits together with its audit event.
import { isFineGrainedFor } from '../tokens/resource-owner';
import { audit } from '../audit/audit';
import { auditSourceOf, Caller } from '../authz/caller';
import type { ProviderContext } from '../context';
import { invalidField, notFound } from '../http/errors';
import type { Page } from '../http/pagination';
import type { CredentialAuthorizationRecord } from '../store/credential-authorizations';
import type { TokenRecord } from '../store/tokens';
import { withTransaction } from '../transaction';
import { ORG_AUDIT_ACTIONS } from './org-audit';
import type { OrganizationResourceRecord } from './org-resource';
import { assertStillOwner, assertStillRole } from './owner-transaction';

interface CredentialAuthorizationEntry {
  authorization: CredentialAuthorizationRecord;
  token: TokenRecord;
  login: string;
}

export async function authorizeCredential(ctx: ProviderContext, caller: Caller, orgResource: OrganizationResourceRecord, tokenId: number): Promise<CredentialAuthorizationEntry> {
  const { principal } = caller;
  const { org } = orgResource;
  return withTransaction(ctx, async (tx) => {
    await assertStillRole(tx, org, principal.user.id, 'member'); // (a member removed meanwhile authorizes nothing)
    const token = await tx.store.tokens.byId(tokenId);
    if (!token || token.userId !== principal.user.id || token.kind === 'account') throw invalidField('token_id', 'is not one of your personal access tokens');
    if (token.status === 'revoked') throw invalidField('token_id', 'is a revoked token');
    if (token.kind === 'fine_grained' && !isFineGrainedFor(token, org.id)) {
      throw invalidField('token_id', `is a fine-grained token whose resource owner is not '${org.login}'`);
    }
    const authorization = await tx.store.credentialAuthorizations.authorize({ orgId: org.id, tokenId: token.id, userId: principal.user.id, now: ctx.clock.now() });
    await audit(tx, auditSourceOf(caller), ORG_AUDIT_ACTIONS.credentialAuthorized, {
      org,
      tokenId: token.id,
      data: { token_name: token.note, token_last_eight: token.tokenLastEight, kind: token.kind },
    });
    return { authorization, token, login: principal.user.login };
  });
}

/** One page of the org's authorizations, of the user `login` if given (undefined: no such user). */
export async function listCredentialAuthorizations(
  ctx: ProviderContext,
  orgResource: OrganizationResourceRecord,
  login: string | undefined,
  page: Page,
): Promise<{ entries: CredentialAuthorizationEntry[]; total: number } | undefined> {
  let userId: number | undefined;
  if (login !== undefined) {
    const u = await ctx.store.users.byLogin(login);
    if (!u) return undefined;
    userId = u.id;
  }
  const all = await ctx.store.credentialAuthorizations.list(orgResource.org.id, userId !== undefined ? { userId } : {});
  const entries: CredentialAuthorizationEntry[] = [];
  for (const a of all.slice(page.offset, page.offset + page.limit)) {
    const t = await ctx.store.tokens.byId(a.tokenId);
    const u = await ctx.store.users.byId(a.userId);
    if (t && u) entries.push({ authorization: a, token: t, login: u.login });
  }
  return { entries, total: all.length };
}

export async function removeCredentialAuthorization(ctx: ProviderContext, caller: Caller, orgResource: OrganizationResourceRecord, tokenId: number): Promise<void> {
  const { org } = orgResource;
  await withTransaction(ctx, async (tx) => {
    const a = await tx.store.credentialAuthorizations.get(org.id, tokenId);
    if (!a) throw notFound();
    if (a.userId !== caller.principal.user.id) await assertStillOwner(tx, org, caller.principal.user.id);
    await tx.store.credentialAuthorizations.remove(org.id, tokenId);
    const token = await tx.store.tokens.byId(tokenId);
    await audit(tx, auditSourceOf(caller), ORG_AUDIT_ACTIONS.credentialDeauthorized, {
      user: (await tx.store.users.byId(a.userId)) ?? undefined,
      org,
      tokenId,
      data: { token_name: token?.note ?? null, token_last_eight: token?.tokenLastEight ?? null },
    });
  });
}
