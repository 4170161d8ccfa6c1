// What a token may reach beyond its scopes / permissions: one decision, used by the guard list
// (authz/organization-guards.ts) for every request and by list endpoints to filter their items.
//
// - Reads of public resources are open to every token (also pending ones and on restricted orgs).
// - Fine-grained tokens: pending / denied ones read public resources only; otherwise the resource
//   must belong to the token's resource owner and, for a repository, be among its selected
//   repositories; an org's fine-grained lifetime cap applies at use.
// - Classic tokens: an org with `classic_tokens: restricted` refuses them on its resources; its
//   classic lifetime cap applies at use.
// - SSO: an org with `sso_required` accepts a token on its resources only once the token was
//   authorized for it (403 with `X-GitHub-SSO: required; url=...` otherwise).
// - The org's token policy (classic restriction, lifetime caps) governs access to its resources
//   (repositories, and the org's own routes for its members), not how its owners administer it:
//   on the org itself (memberships, invitations, settings, approvals) an owner's token is not
//   held to it. SSO still applies there; token administration (orgs/org-resource.ts) skips all.
// A private repository a token may not reach answers 404 (the caller may not learn it exists):
// hiddenFromToken decides it, for the repository resolver (repos/repository-resource.ts) — so every
// route, git and GraphQL answer 404 before any 403 about scopes, permissions or roles — here, and
// for list endpoints (repos/repository-listing.ts). A classic token reaches private repositories
// only with `repo` (or Tessera's `admin:token`, which reads their metadata to make tokens for them);
// an account token only its own org's.
import { hasScope } from '../../shared/classic-scopes';
import type { Principal } from '../auth/principal';
import { apiBase, ProviderContext } from '../context';
import { exceedsLifetime, lifetimeDays } from '../policies/token-lifetime';
import { activeRole } from '../orgs/org-roles';
import type { OrgRole } from '../store/memberships';
import type { OrganizationRecord } from '../store/organizations';
import type { TokenRecord } from '../store/tokens';
import { resourceOwnerLogin } from '../tokens/resource-owner';
import type { Denial } from './guard';
import { FINE_GRAINED_DENIED_MESSAGE } from './guards';
import type { AuthzResource, ResourceOwnerRef } from './resource';

interface AccessTarget {
  owner: ResourceOwnerRef;
  isPublic: boolean;
  /** For repositories: checked against a fine-grained token's selection. */
  repository?: { id: number; fullName: string };
  /** The owning org when already loaded. */
  org?: OrganizationRecord;
  /** An org's token administration (orgs/org-resource.ts): no classic restriction, lifetime cap or SSO. */
  administration?: boolean;
  /** The caller's active role in the owning org, when already loaded (null: none). */
  role?: OrgRole | null;
}

export const SSO_HEADER = 'X-GitHub-SSO';

/** The access target of a loaded resource (undefined when it has no owner). */
export function targetOf(resource: AuthzResource | undefined): AccessTarget | undefined {
  if (!resource?.owner) return undefined;
  const rec = resource.record as
    | { fullName?: string; org?: OrganizationRecord; owner?: { type?: string; org?: OrganizationRecord }; administration?: boolean; role?: OrgRole | null }
    | undefined;
  const org = resource.type === 'organization' ? rec?.org : rec?.owner?.type === 'Organization' ? rec.owner.org : undefined;
  return {
    owner: resource.owner,
    isPublic: resource.isPublic === true,
    ...(resource.type === 'repository' && resource.id !== undefined ? { repository: { id: resource.id, fullName: rec?.fullName ?? String(resource.id) } } : {}),
    ...(org ? { org } : {}),
    ...(resource.type === 'organization' && rec?.administration ? { administration: true } : {}),
    ...(resource.type === 'organization' && rec?.role !== undefined ? { role: rec.role } : {}),
  };
}

/** Whether the org's token policy holds for this caller on `target` (see the header). */
async function policyHolds(ctx: ProviderContext, principal: Principal, target: AccessTarget): Promise<boolean> {
  if (target.repository || target.owner.type !== 'Organization') return true;
  const role = target.role !== undefined ? target.role : await activeRole(ctx, target.owner.id, principal.user.id);
  return role !== 'owner';
}

function notFound(): Denial {
  return { status: 404, message: 'Not Found' };
}

/** A fine-grained token whose request is pending or was denied (it may read public resources only). */
export function awaitsApproval(token: TokenRecord): boolean {
  return token.kind === 'fine_grained' && (token.status === 'pending' || token.status === 'denied');
}

/** Pending and denied fine-grained tokens: reads of public resources only. */
export async function approvalDenial(ctx: ProviderContext, token: TokenRecord): Promise<Denial | undefined> {
  if (!awaitsApproval(token)) return undefined;
  const org = (await resourceOwnerLogin(ctx, token)) ?? 'the organization';
  if (token.status === 'pending') {
    return { status: 403, message: `This token is pending approval by an owner of '${org}': until then it can read public resources only` };
  }
  return {
    status: 403,
    message: `The owners of '${org}' denied this token's request${token.statusReason ? `: ${token.statusReason}` : ''}. It can read public resources only`,
  };
}

function ssoDenial(ctx: ProviderContext, org: OrganizationRecord, token: TokenRecord): Denial {
  const url = `${apiBase(ctx)}/orgs/${org.login}/credential-authorizations`;
  return {
    status: 403,
    message:
      `Resource protected by organization SSO enforcement. You must authorize this token (id ${token.id}) for the '${org.login}' organization: ` +
      `POST ${url} {"token_id": ${token.id}} with your password and two-factor code (or in sudo mode)`,
    headers: { [SSO_HEADER]: `required; url=${url}` },
  };
}

/** The classic scopes that reach private repositories (`admin:token`: their metadata only). */
export const PRIVATE_REPOSITORY_SCOPES = ['repo', 'admin:token'] as const;

/** Whether a classic token holds none of PRIVATE_REPOSITORY_SCOPES: it reaches public repositories only. */
export function reachesPublicOnly(token: TokenRecord): boolean {
  return token.kind === 'classic' && !PRIVATE_REPOSITORY_SCOPES.some((s) => hasScope(token.scopes, s));
}

/**
 * Whether the token may not learn that `target` exists: a private repository that the token cannot
 * reach — a classic token's without `repo` (or `admin:token`); an account token's of another owner
 * than its organization; a fine-grained token's of another resource owner, not among its
 * repositories, or while the token awaits (or was denied) its organization's approval. Refusing
 * such a repository for anything else (a scope or permission the token lacks, the user's role)
 * would tell the token that it exists.
 */
export async function hiddenFromToken(ctx: ProviderContext, principal: Principal | undefined, target: AccessTarget): Promise<boolean> {
  const token = principal?.token;
  if (!token || target.isPublic || !target.repository) return false;
  switch (token.kind) {
    case 'classic':
      return reachesPublicOnly(token);
    case 'account':
      return !(target.owner.type === 'Organization' && target.owner.id === principal?.orgId);
    case 'fine_grained':
      return awaitsApproval(token) || !ownedBy(token, target) || !(await selects(ctx, token, target.repository.id));
  }
}

/** Whether the fine-grained token's resource owner is the target's owner. */
function ownedBy(token: TokenRecord, target: AccessTarget): boolean {
  return token.resourceOwnerType === target.owner.type && token.resourceOwnerId === target.owner.id;
}

/** Whether the fine-grained token's repository selection includes the repository `repositoryId`. */
async function selects(ctx: ProviderContext, token: TokenRecord, repositoryId: number): Promise<boolean> {
  if (token.repositorySelection === 'all') return true;
  return token.repositorySelection === 'subset' && (await ctx.store.fineGrainedTokens.repositoryIds(token.id)).includes(repositoryId);
}

/**
 * Whether the token may reach `target` at `level`. `ignorePublic` (for list endpoints of
 * fine-grained tokens) applies the owner/selection rules to public resources too.
 */
export async function tokenAccessDenial(
  ctx: ProviderContext,
  principal: Principal | undefined,
  target: AccessTarget,
  level: 'read' | 'write',
  opts: { ignorePublic?: boolean } = {},
): Promise<Denial | undefined> {
  const token = principal?.token;
  if (await hiddenFromToken(ctx, principal, target)) return notFound();
  if (!principal || !token || token.kind === 'account') return undefined; // account tokens: authz/organization-guards.ts
  if (target.isPublic && level === 'read' && !opts.ignorePublic) return undefined;
  const org =
    target.owner.type === 'Organization' && !target.administration ? (target.org ?? (await ctx.store.organizations.byId(target.owner.id))) : undefined;
  const policy = org && (await policyHolds(ctx, principal, target)) ? org.policy : undefined;

  if (token.kind === 'fine_grained') {
    const approval = await approvalDenial(ctx, token);
    if (approval) return approval;
    if (!ownedBy(token, target)) {
      const own = (await resourceOwnerLogin(ctx, token)) ?? 'another account';
      return { status: 403, message: `${FINE_GRAINED_DENIED_MESSAGE}: its resource owner is '${own}', not '${target.owner.login}'` };
    }
    // A private repository's selection was read by hiddenFromToken above (it got a 404 if not selected).
    if (target.repository && target.isPublic && !(await selects(ctx, token, target.repository.id))) {
      return { status: 403, message: `${FINE_GRAINED_DENIED_MESSAGE}: repository '${target.repository.fullName}' is not among the token's repositories` };
    }
    if (org && policy && (await exceedsLifetime(ctx, token, policy.maxLifetimeFineGrainedDays))) {
      return {
        status: 403,
        message:
          `This token's lifetime (${await lifetimeDays(ctx, token)} days) exceeds the maximum of ${policy.maxLifetimeFineGrainedDays} days ` +
          `the '${org.login}' organization allows for fine-grained tokens: regenerate it with a shorter expiry`,
      };
    }
  } else if (token.kind === 'classic' && org && policy) {
    if (policy.classicTokens === 'restricted') {
      return { status: 403, message: `The '${org.login}' organization forbids access with classic personal access tokens: use a fine-grained token` };
    }
    const cap = policy.maxLifetimeClassicDays;
    if (cap !== null && (await exceedsLifetime(ctx, token, cap))) {
      const days = await lifetimeDays(ctx, token);
      return {
        status: 403,
        message:
          `This token's lifetime (${Number.isFinite(days) ? `${days} days` : 'no expiry'}) exceeds the maximum of ${cap} days ` +
          `the '${org.login}' organization allows for classic tokens`,
      };
    }
  }

  if (org?.policy.ssoRequired) {
    const authorization = await ctx.store.credentialAuthorizations.get(org.id, token.id);
    if (!authorization) return ssoDenial(ctx, org, token);
    await ctx.store.credentialAuthorizations.touch(org.id, token.id, ctx.clock.now());
  }
  return undefined;
}

/** `X-GitHub-SSO: partial-results; organizations=1,2` for list endpoints that skipped SSO orgs. */
export function partialResultsHeader(orgIds: Iterable<number>): string | undefined {
  const ids = [...new Set(orgIds)].sort((a, b) => a - b);
  return ids.length ? `partial-results; organizations=${ids.join(',')}` : undefined;
}

export function isSsoDenial(d: Denial | undefined): boolean {
  return !!d?.headers?.[SSO_HEADER];
}
