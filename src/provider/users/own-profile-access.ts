// What a request's credentials may read of the signed-in user's own account, beyond its public
// profile: the email address, and the private profile (two-factor state, private repository counts
// and GitHub's other private-user fields). GET /user, PATCH /user's answer and GraphQL's `viewer`
// show each only to credentials that may read it; everyone else gets the public shape.
import { hasScope } from '../../shared/classic-scopes';
import { hasPermission } from '../../shared/fine-grained-permissions';
import type { Principal } from '../auth/principal';

/**
 * The email address: the password, a classic token with `user:email` (or `user`), a fine-grained
 * token with the account permission `email_addresses: read` — what GET /user/emails requires.
 * Tessera has no public profile email, so GET /user and GraphQL's `viewer.email` show it only to
 * these (GitHub shows the public one).
 */
export function mayReadEmail(principal: Principal): boolean {
  const t = principal.token;
  if (!t) return principal.method === 'password';
  if (t.kind === 'classic') return hasScope(t.scopes, 'user:email');
  if (t.kind === 'fine_grained') return hasPermission(t.permissions ?? {}, 'account', 'email_addresses', 'read');
  return false;
}

/**
 * The private profile (GitHub's private-user over public-user): the password, a classic token with
 * `read:user` (or `user`: GitHub documents `user`; Tessera's `read:user` is "read all user profile
 * data", and GET /user/two-factor answers it too), a fine-grained token with the account permission
 * `profile: read` (or `write`). Not an organization's account token: it acts in the organization.
 */
export function mayReadPrivateProfile(principal: Principal): boolean {
  const t = principal.token;
  if (!t) return principal.method === 'password';
  if (t.kind === 'classic') return hasScope(t.scopes, 'read:user');
  if (t.kind === 'fine_grained') return hasPermission(t.permissions ?? {}, 'account', 'profile', 'read');
  return false;
}

/** What userJson (users/user-json.ts) shows of the user. */
export interface OwnProfileView {
  email: boolean;
  privateProfile: boolean;
}

/** The view of the signed-in user these credentials may have. */
export function ownProfileViewOf(principal: Principal): OwnProfileView {
  return { email: mayReadEmail(principal), privateProfile: mayReadPrivateProfile(principal) };
}
