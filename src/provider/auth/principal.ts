// Who is calling. One per authenticated request (request.principal).
import type { TokenRecord } from '../store/tokens';
import type { UserRecord } from '../store/users';

type AuthMethod = 'token' | 'password' | 'account-token';

export interface Principal {
  user: UserRecord;
  /** The token used (authentication methods 1, 3 and 4, docs/architecture.md); absent for Basic login:password. */
  token?: TokenRecord;
  method: AuthMethod;
  /**
   * True when this very request carried fresh proof (password, plus a 2FA code when the user has
   * 2FA): it counts as sudo on its own.
   */
  freshProof: boolean;
  /** For account API tokens (method 4): the organization the token acts in. */
  orgId?: number;
}
