// A user's GPG keys: Tessera verifies no commit signatures, so it keeps none; adding one is a 422
// saying so (a 404 there reads to `gh gpg-key add` as missing scopes).
import { invalidField } from '../http/errors';

export function refuseUserGpgKey(): never {
  throw invalidField(
    'armored_public_key',
    'is not used: Tessera verifies no commit signatures and keeps no GPG keys (sign commits as you like; nothing checks the signatures).',
    'custom',
    'GpgKey',
  );
}
