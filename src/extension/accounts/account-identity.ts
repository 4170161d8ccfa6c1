// What GET /user's answer tells about a signed-in account: its login, and its two-factor state
// when the answer shows it. The provider (as GitHub) shows `two_factor_authentication` only to a
// token that may read the private profile — the sign-in token's `user` scope, unless someone has
// narrowed that token since (docs/api.md, GET /user); left out, the state is unknown, never "off".
import type { UserJson } from '../../shared/api-types';
import type { AccountInfo } from '../services';

/** The two-factor state GET /user shows, or undefined when it leaves it out (the public-user shape). */
export function twoFactorStateOf(user: UserJson): boolean | undefined {
  return typeof user.two_factor_authentication === 'boolean' ? user.two_factor_authentication : undefined;
}

/** The change GET /user makes to a recorded account: the login, and the two-factor state only when shown. */
export function identityUpdateOf(user: UserJson): Partial<Pick<AccountInfo, 'login' | 'twoFactorEnabled'>> {
  const twoFactor = twoFactorStateOf(user);
  return { login: user.login, ...(twoFactor === undefined ? {} : { twoFactorEnabled: twoFactor }) };
}
