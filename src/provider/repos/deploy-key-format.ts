// OpenSSH public keys as deploy keys accept them: `type base64 [comment]`, where the base64 blob
// starts with the same type name (RFC 4253 §6.6). Stored without the comment.

const DEPLOY_KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
] as const;

/** The normalized key (`type base64`), or why it is not an acceptable public key. */
export function parseDeployKey(text: string): { key: string } | { error: string } {
  const parts = text.trim().split(/\s+/);
  if (parts.length < 2) return { error: "must be an OpenSSH public key ('ssh-ed25519 AAAA… comment')" };
  const [type, blob] = parts;
  if (/PRIVATE KEY/.test(text)) return { error: 'looks like a private key: paste the public key (.pub)' };
  if (!(DEPLOY_KEY_TYPES as readonly string[]).includes(type)) return { error: `has an unsupported key type '${type.slice(0, 40)}'` };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(blob) || blob.length % 4 !== 0) return { error: 'has a malformed key body (not base64)' };
  const raw = Buffer.from(blob, 'base64');
  if (raw.length < 4) return { error: 'has a malformed key body' };
  const nameLength = raw.readUInt32BE(0);
  if (nameLength > 64 || raw.length < 4 + nameLength || raw.subarray(4, 4 + nameLength).toString('latin1') !== type) {
    return { error: `has a key body that is not a '${type}' key` };
  }
  if (type === 'ssh-ed25519' && raw.length !== 4 + nameLength + 4 + 32) return { error: 'has an ed25519 key of the wrong length' };
  if (type === 'ssh-rsa' && raw.length < 4 + nameLength + 128) return { error: 'has an RSA key that is too short (at least 1024 bits)' };
  return { key: `${type} ${blob}` };
}
