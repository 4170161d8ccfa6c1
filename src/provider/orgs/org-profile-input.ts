// GitHub's organization profile fields in PATCH /orgs/{org}: email, billing_email, blog, company,
// location and twitter_username (stored and returned; '' clears a field, as on GitHub).
import { EMAIL_PATTERN } from '../users/user-json';
import type { OrganizationProfile } from '../store/organizations';

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

export interface OrganizationProfileBody {
  email?: string | null;
  billing_email?: string | null;
  blog?: string | null;
  company?: string | null;
  location?: string | null;
  twitter_username?: string | null;
}

const FIELDS = [
  ['email', 'email'],
  ['billing_email', 'billingEmail'],
  ['blog', 'blog'],
  ['company', 'company'],
  ['location', 'location'],
  ['twitter_username', 'twitterUsername'],
] as const;

export function organizationProfileFromBody(body: OrganizationProfileBody): Partial<OrganizationProfile> {
  const out: Partial<OrganizationProfile> = {};
  for (const [field, key] of FIELDS) {
    const v = body[field];
    if (v === undefined) continue;
    out[key] = v === '' || v === null ? null : field === 'twitter_username' ? v.replace(/^@/, '') : v;
  }
  return out;
}
