// The request body for POST /user/personal-access-tokens, built from the form (pure: unit-tested).
import type { CreateTokenRequest } from '../../../src/shared/api-types';
import { FINE_GRAINED_PERMISSIONS, type PermissionGroup, type PermissionLevel } from '../../../src/shared/fine-grained-permissions';
import type { OwnerOption } from '../../../src/shared/webview-protocol';
import { expiryFromDate, expiryFromPreset } from '../../../src/shared/token-text';
import { isExpiryMode, type Form } from './form';

/** Whether a permission group applies to the owner: organization permissions for orgs, account ones for the user. */
export function groupApplies(group: PermissionGroup, owner: OwnerOption | undefined): boolean {
  if (group === 'organization') return !!owner && !owner.isUser;
  if (group === 'account') return !owner || owner.isUser;
  return true;
}

/**
 * The body for `form` (`owner`: the form's resource owner as the extension listed it), or the
 * anchor of the field that keeps it from being built (a malformed custom date, or an expiry that
 * is none of the form's choices).
 */
export function requestBody(form: Form, owner: OwnerOption | undefined, now: number): CreateTokenRequest | 'expires_at' {
  const b: CreateTokenRequest = { name: form.name.trim() };
  if (form.description.trim()) b.description = form.description.trim();
  if (!isExpiryMode(form.expiry)) return 'expires_at';
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
  b.kind = 'fine_grained';
  b.resource_owner = form.owner;
  b.repository_selection = form.selection;
  // Ids, as numbers whether or not the repository is in the list loaded now: the provider reads
  // a string as a repository's name.
  if (form.selection === 'subset') b.repositories = form.repos.map((k) => Number(k));
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
