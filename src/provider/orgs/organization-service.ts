// Organizations: creating one (its creator becomes the first owner), changing its profile and its
// personal-access-token policy — each as one transaction with its audit event.
import type { UpdateOrganizationRequest } from '../../shared/api-types';
import { audit } from '../audit/audit';
import { auditSourceOf, Caller } from '../authz/caller';
import type { ProviderContext } from '../context';
import { invalidField, notFound } from '../http/errors';
import { tokenPolicyJson } from '../policies/token-policy-json';
import { UniqueViolation } from '../store/errors';
import type { OrganizationRecord, TokenPolicyRecord } from '../store/organizations';
import { withTransaction } from '../transaction';
import { ORG_AUDIT_ACTIONS } from './org-audit';
import { organizationFieldValues, organizationProfileFromBody } from './org-profile-input';
import { ownerTransaction } from './owner-transaction';

interface OrganizationProfile {
  name?: string | null;
  description?: string | null;
}

export async function createOrganization(ctx: ProviderContext, caller: Caller, input: { login: string } & OrganizationProfile): Promise<OrganizationRecord> {
  try {
    return await withTransaction(ctx, async (tx) => {
      const org = await tx.store.organizations.create({
        login: input.login,
        name: input.name ?? null,
        description: input.description ?? null,
        createdBy: caller.principal.user.id,
        createdAt: ctx.clock.now(),
      });
      await audit(tx, auditSourceOf(caller), ORG_AUDIT_ACTIONS.orgCreate, { org, tokenId: caller.principal.token?.id, data: { login: org.login } });
      return org;
    });
  } catch (err) {
    if (err instanceof UniqueViolation) throw invalidField('login', 'is already taken', 'already_exists', 'Organization');
    throw err;
  }
}

/** Changes the name, description and GitHub's profile fields (the audit event has the fields' values before and after). */
export async function updateOrganization(ctx: ProviderContext, caller: Caller, org: OrganizationRecord, body: UpdateOrganizationRequest): Promise<OrganizationRecord> {
  return ownerTransaction(ctx, org, caller.principal.user.id, async (tx) => {
    const current = await tx.store.organizations.byId(org.id);
    const updated =
      current &&
      (await tx.store.organizations.update(org.id, {
        name: body.name,
        description: body.description,
        profile: organizationProfileFromBody(body),
        updatedAt: ctx.clock.now(),
      }));
    if (!current || !updated) throw notFound();
    const fields = Object.keys(body);
    await audit(tx, auditSourceOf(caller), ORG_AUDIT_ACTIONS.orgUpdate, {
      org,
      tokenId: caller.principal.token?.id,
      data: { fields, before: organizationFieldValues(current, fields), after: organizationFieldValues(updated, fields) },
    });
    return updated;
  });
}

/**
 * Changes the fields of the policy `change` names (the others stay as they are, whatever a
 * concurrent change set). The audit event's `before` is the policy read in the transaction, not
 * the one the request resolved: a change committed meanwhile is in it.
 */
export async function updateTokenPolicy(ctx: ProviderContext, caller: Caller, org: OrganizationRecord, change: Partial<TokenPolicyRecord>): Promise<OrganizationRecord> {
  return ownerTransaction(ctx, org, caller.principal.user.id, async (tx) => {
    const current = await tx.store.organizations.byId(org.id);
    const updated = current && (await tx.store.organizations.updatePolicy(org.id, change, ctx.clock.now()));
    if (!current || !updated) throw notFound();
    await audit(tx, auditSourceOf(caller), ORG_AUDIT_ACTIONS.policyUpdate, {
      org,
      tokenId: caller.principal.token?.id,
      data: { before: tokenPolicyJson(current.policy), after: tokenPolicyJson(updated.policy) },
    });
    return updated;
  });
}
