// The request body for POST /user/personal-access-tokens, built from the form.
import type { CreateTokenRequest } from '../../../src/shared/api-types';
import { FINE_GRAINED_PERMISSIONS, type PermissionGroup, type PermissionLevel } from '../../../src/shared/fine-grained-permissions';
import type { OwnerOption } from '../../../src/shared/webview-protocol';
import { expiryFromDate, expiryFromPreset } from '../../../src/shared/token-text';
import { currentOwner, repoKey, state } from './state';

/** Whether a permission group applies to the owner: organization permissions for orgs, account ones for the user. */
export function groupApplies(group: PermissionGroup, owner: OwnerOption | undefined): boolean {
  if (group === 'organization') return !!owner && !owner.isUser;
  if (group === 'account') return !owner || owner.isUser;
  return true;
}

/** The body, or the anchor of the field that keeps it from being built (a malformed custom date). */
export function requestBody(): CreateTokenRequest | 'expires_at' {
  const form = state.form;
  const b: CreateTokenRequest = { name: form.name.trim() };
  if (form.description.trim()) b.description = form.description.trim();
  const now = Date.now();
  if (form.expiry === 'none') b.expires_at = null;
  else if (form.expiry === 'custom') {
    const iso = expiryFromDate(form.customDate);
    if (!iso) return 'expires_at';
    b.expires_at = iso;
  } else b.expires_at = expiryFromPreset(Number(form.expiry), now);
  if (form.kind === 'classic') {
    b.scopes = [...form.scopes];
    return b;
  }
  const owner = currentOwner();
  b.kind = 'fine_grained';
  b.resource_owner = form.owner;
  b.repository_selection = form.selection;
  if (form.selection === 'subset') {
    b.repositories = form.repos.map((k) => state.repos.find((x) => repoKey(x) === k)?.id ?? k);
  }
  const perms: Partial<Record<PermissionGroup, Record<string, PermissionLevel>>> = {};
  for (const p of FINE_GRAINED_PERMISSIONS) {
    if (!groupApplies(p.group, owner)) continue;
    const level = form.permissions[`${p.group}.${p.name}`];
    if (level) (perms[p.group] ??= {})[p.name] = level;
  }
  b.permissions = perms;
  if (owner && !owner.isUser && form.justification.trim()) b.justification = form.justification.trim();
  return b;
}
