// GitHub's organization profile fields in PATCH /orgs/{org}: email, billing_email, blog, company,
// location and twitter_username (stored and returned; '' clears a field, as on GitHub).
import type { UpdateOrganizationRequest } from '../../shared/api-types';
import type { OrganizationProfileRecord, OrganizationRecord } from '../store/organizations';
import { EMAIL_PATTERN } from '../users/user-json';

const text = { anyOf: [{ type: 'string', maxLength: 255 }, { type: 'null' }] } as const;
const email = { anyOf: [{ type: 'string', maxLength: 254, pattern: `(${EMAIL_PATTERN})|^$` }, { type: 'null' }] } as const;

export const organizationProfileSchema = {
  email,
  billing_email: email,
  blog: text,
  company: text,
  location: text,
  twitter_username: { anyOf: [{ type: 'string', maxLength: 15, pattern: '^@?[A-Za-z0-9_]*$' }, { type: 'null' }] },
} as const;

const FIELDS = [
  ['email', 'email'],
  ['billing_email', 'billingEmail'],
  ['blog', 'blog'],
  ['company', 'company'],
  ['location', 'location'],
  ['twitter_username', 'twitterUsername'],
] as const;

/** The profile fields a body sets (only those present). */
export function organizationProfileFromBody(body: UpdateOrganizationRequest): Partial<OrganizationProfileRecord> {
  const out: Partial<OrganizationProfileRecord> = {};
  for (const [field, key] of FIELDS) {
    const v = body[field];
    if (v === undefined) continue;
    out[key] = v === '' || v === null ? null : field === 'twitter_username' ? v.replace(/^@/, '') : v;
  }
  return out;
}

/** The fields of PATCH /orgs/{org} named in `fields`, with the org's values (an audit event's before or after). */
export function organizationFieldValues(org: OrganizationRecord, fields: readonly string[]): Record<string, string | null> {
  const all: Record<string, string | null> = { name: org.name, description: org.description };
  for (const [field, key] of FIELDS) all[field] = org.profile[key];
  return Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]]));
}
