// Whether a request's credentials may read the signed-in user's email address: the password, a
// classic token with `user:email` (or `user`), a fine-grained token with the account permission
// `email_addresses: read` — what GET /user/emails requires. Tessera has no public profile email, so
// GET /user and GraphQL's `viewer.email` show it only to these (GitHub shows the public one).
import { hasScope } from '../../shared/classic-scopes';
import { hasPermission } from '../../shared/fine-grained-permissions';
import type { Principal } from '../auth/principal';

export function mayReadEmail(principal: Principal): boolean {
  const t = principal.token;
  if (!t) return principal.method === 'password';
  if (t.kind === 'classic') return hasScope(t.scopes, 'user:email');
  if (t.kind === 'fine_grained') return hasPermission(t.permissions ?? {}, 'account', 'email_addresses', 'read');
  return false;
}
