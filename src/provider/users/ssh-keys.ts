// A user's SSH keys: Tessera serves git over HTTPS only (a token is the password), so it keeps
// none; adding one is refused with the way to go instead.
import { invalidField } from '../http/errors';

export function refuseUserSshKey(): never {
  throw invalidField(
    'key',
    'is not used: Tessera serves git over HTTPS only, with a token as the password. With gh, sign in with `gh auth login -p https` (or choose HTTPS when asked).',
    'custom',
    'PublicKey',
  );
}
