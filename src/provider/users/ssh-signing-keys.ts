// A user's SSH signing keys: Tessera verifies no commit signatures, so it keeps none; adding one is
// a 422 saying so (a 404 there reads to `gh ssh-key add --type signing` as missing scopes).
import { invalidField } from '../http/errors';

export function refuseUserSshSigningKey(): never {
  throw invalidField(
    'key',
    'is not used: Tessera verifies no commit signatures and keeps no SSH signing keys (sign commits as you like; nothing checks the signatures).',
    'custom',
    'SshSigningKey',
  );
}
