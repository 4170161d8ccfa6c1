// SSH public keys for tests (deploy keys, user keys).
import { randomBytes } from 'node:crypto';

/** A valid ed25519 OpenSSH public key (random 32 bytes as the key). */
export function sshPublicKey(comment = 'test@tessera'): string {
  const type = Buffer.from('ssh-ed25519');
  const len = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const blob = Buffer.concat([len(type.length), type, len(32), randomBytes(32)]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}
