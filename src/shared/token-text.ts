// How a token is described to a person: expiry ("expires in 5 days"), state, last use, scopes or a
// permission summary. Pure functions of (token, now), shared by the extension's views and its
// webviews.
import type { GrantPermissionsJson, TokenJson } from './api-types';
import { normalizeScopes } from './classic-scopes';
import { findPermission, type PermissionLevel, type PermissionSet } from './fine-grained-permissions';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest lifetime any token with an expiry may have: an expiry at most this many days ahead (to the end of that UTC day). */
export const MAX_TOKEN_LIFETIME_DAYS = 366;

/** The last `YYYY-MM-DD` a token made at `now` may expire on, under a cap of `days` (default: the longest). */
export function latestExpiryDate(now: number, days: number = MAX_TOKEN_LIFETIME_DAYS): string {
  return new Date(now + days * DAY_MS).toISOString().slice(0, 10);
}
/**
 * The expiry warning (decoration, status bar item, details banner) is in proportion to the token's
 * lifetime: it starts when less than EXPIRY_WARNING_SHARE of the lifetime and at most
 * EXPIRY_WARNING_DAYS are left. A token made for 7 days is not "expiring soon" when it is made.
 */
const EXPIRY_WARNING_DAYS = 7;
const EXPIRY_WARNING_SHARE = 0.2;

function expiresAtMs(t: Pick<TokenJson, 'expires_at'>): number | undefined {
  if (!t.expires_at) return undefined;
  const ms = Date.parse(t.expires_at);
  return Number.isNaN(ms) ? undefined : ms;
}

export function isExpired(t: Pick<TokenJson, 'expires_at' | 'status'>, now: number): boolean {
  if (t.status === 'expired') return true;
  const ms = expiresAtMs(t);
  return ms !== undefined && ms <= now;
}

/** Whole days left (rounded up: 2.1 days left → 3), undefined when there is no expiry. */
export function daysLeft(t: Pick<TokenJson, 'expires_at'>, now: number): number | undefined {
  const ms = expiresAtMs(t);
  if (ms === undefined) return undefined;
  return Math.ceil((ms - now) / DAY_MS);
}

/**
 * True for a usable (active or pending) token with at most EXPIRY_WARNING_DAYS and less than
 * EXPIRY_WARNING_SHARE of its lifetime left. The lifetime runs from the token's last update (its
 * expiry is set when it is made, regenerated or given a new expiry; `updated_at`, else
 * `created_at`) to its expiry; a token whose start is unknown warns for the last
 * EXPIRY_WARNING_DAYS.
 */
export function isExpiringSoon(t: Pick<TokenJson, 'expires_at' | 'status'> & Partial<Pick<TokenJson, 'created_at' | 'updated_at'>>, now: number): boolean {
  if (t.status !== 'active' && t.status !== 'pending') return false;
  const ms = expiresAtMs(t);
  if (ms === undefined || ms <= now) return false;
  const left = ms - now;
  if (left > EXPIRY_WARNING_DAYS * DAY_MS) return false;
  const start = Date.parse(t.updated_at ?? t.created_at ?? '');
  if (Number.isNaN(start) || start >= ms || start > now) return true;
  return left < EXPIRY_WARNING_SHARE * (ms - start);
}

/** "expires in 5 days" / "expires today" / "expires tomorrow" / "expired" / "no expiry". */
export function expiryText(t: Pick<TokenJson, 'expires_at' | 'status'>, now: number): string {
  if (isExpired(t, now)) return 'expired';
  const ms = expiresAtMs(t);
  if (ms === undefined) return 'no expiry';
  const left = ms - now;
  if (left < DAY_MS) {
    const hours = Math.max(1, Math.ceil(left / (60 * 60 * 1000)));
    return hours >= 24 ? 'expires in 1 day' : `expires in ${hours} hour${hours === 1 ? '' : 's'}`;
  }
  const days = Math.ceil(left / DAY_MS);
  return `expires in ${days} day${days === 1 ? '' : 's'}`;
}

/** Why an org owner denied the token's request (or revoked its access), when they said. */
export function denialReason(t: Pick<TokenJson, 'status_reason'>): string | undefined {
  const r = t.status_reason?.trim();
  return r ? r : undefined;
}

type PermissionEntries = { group: string; name: string; level: PermissionLevel | string }[];

/**
 * Flattens a permission object (`{repository: {contents: 'write'}}`) to rows. The approval queue's
 * grant objects put account permissions under `other`: those rows are in group `account`.
 */
export function permissionEntries(p: PermissionSet | GrantPermissionsJson | undefined): PermissionEntries {
  const out: PermissionEntries = [];
  if (!p) return out;
  for (const [key, perms] of Object.entries(p as Record<string, Record<string, string> | undefined>)) {
    if (!perms || typeof perms !== 'object') continue;
    const group = key === 'other' ? 'account' : key;
    for (const [name, level] of Object.entries(perms)) out.push({ group, name, level });
  }
  return out;
}

/** The state part of a token's description: "pending approval", "denied: <reason>", "revoked", or the expiry text. */
export function stateText(t: TokenJson, now: number): string {
  switch (t.status) {
    case 'pending':
      return 'pending approval';
    case 'denied': {
      const r = denialReason(t);
      return r ? `denied: ${r}` : 'denied';
    }
    case 'revoked':
      return 'revoked';
    default:
      return expiryText(t, now);
  }
}

/**
 * What Change Token Expiry tells its user: the new expiry, and, when the token now waits for an
 * organization's approval (a later expiry goes back to its owners), that it does.
 */
export function expiryChangedText(t: TokenJson, now: number): string {
  const owner = t.resource_owner ? ` of ${t.resource_owner}` : ' of the organization';
  const waits = t.status === 'pending' ? `; it waits for approval by the owners${owner}` : '';
  return `“${t.name}” now ${expiryText(t, now)}${waits}.`;
}

/** "used 3 days ago" / "used today" / "never used". */
export function lastUsedText(t: Pick<TokenJson, 'last_used_at'>, now: number): string {
  if (!t.last_used_at) return 'never used';
  const ms = Date.parse(t.last_used_at);
  if (Number.isNaN(ms)) return 'never used';
  const ago = now - ms;
  if (ago < 60 * 60 * 1000) return 'used within the last hour';
  if (ago < DAY_MS) return 'used today';
  const days = Math.floor(ago / DAY_MS);
  if (days < 60) return `used ${days} day${days === 1 ? '' : 's'} ago`;
  const months = Math.floor(days / 30);
  if (months < 24) return `used ${months} months ago`;
  return `used ${Math.floor(days / 365)} years ago`;
}

/** Classic: "repo, user" or "no scopes (public read)". */
export function scopeSummary(scopes: readonly string[] | undefined): string {
  const list = normalizeScopes(scopes ?? []);
  // keep names the catalog does not know (a newer provider) rather than hiding them
  const unknown = (scopes ?? []).filter((s) => !list.includes(s) && !normalizeScopes([s]).length);
  const all = [...list, ...unknown];
  return all.length ? all.join(', ') : 'no scopes (public read)';
}

/** Fine-grained: "contents: write, administration: read" (metadata left out: it is always there). */
export function permissionSummary(t: Pick<TokenJson, 'permissions'>): string {
  const rows = permissionEntries(t.permissions)
    .filter((r) => !(r.group === 'repository' && r.name === 'metadata'));
  if (!rows.length) return 'metadata: read';
  return rows.map((r) => `${permissionTitle(r.group, r.name)}: ${r.level}`).join(', ');
}

export function permissionTitle(group: string, name: string): string {
  const p = findPermission(group, name);
  if (!p) return name;
  // titles are shared between groups ("Administration"): qualify the non-repository ones
  return group === 'repository' ? p.title.toLowerCase() : `${group} ${p.title.toLowerCase()}`;
}

export function grantSummary(t: TokenJson): string {
  return t.kind === 'classic' ? scopeSummary(t.scopes) : permissionSummary(t);
}

export function kindLabel(kind: string): string {
  return kind === 'fine_grained' ? 'Fine-grained' : 'Classic';
}

/** ISO date-time exactly `days` days from now (so a fresh "30 days" token "expires in 30 days"). */
export function expiryFromPreset(days: number, now: number): string {
  return new Date(now + days * DAY_MS).toISOString();
}

/** A `YYYY-MM-DD` date (end of that day, UTC) as ISO date-time, or undefined when malformed. */
export function expiryFromDate(date: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const d = new Date(`${date}T23:59:59.000Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date) return undefined;
  return d.toISOString();
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}
