// GitHub's profile fields in PATCH /user: bio, blog, company, location, twitter_username and
// hireable (stored and returned; '' clears a text field, as on GitHub).
import type { UpdateUserRequest } from '../../shared/api-types';
import type { UserProfile } from '../store/users';

const text = (max: number) => ({ anyOf: [{ type: 'string', maxLength: max }, { type: 'null' }] }) as const;

export const userProfileSchema = {
  bio: text(160),
  blog: text(255),
  company: text(255),
  location: text(255),
  twitter_username: { anyOf: [{ type: 'string', maxLength: 15, pattern: '^@?[A-Za-z0-9_]*$' }, { type: 'null' }] },
  hireable: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
} as const;

const orNull = (v: string | null | undefined): string | null | undefined => (v === '' ? null : v);

export function userProfileFromBody(body: UpdateUserRequest): Partial<UserProfile> {
  const out: Partial<UserProfile> = {};
  if (body.bio !== undefined) out.bio = orNull(body.bio);
  if (body.blog !== undefined) out.blog = orNull(body.blog);
  if (body.company !== undefined) out.company = orNull(body.company);
  if (body.location !== undefined) out.location = orNull(body.location);
  if (body.twitter_username !== undefined) out.twitterUsername = orNull(body.twitter_username?.replace(/^@/, '') ?? null);
  if (body.hireable !== undefined) out.hireable = body.hireable;
  return out;
}
