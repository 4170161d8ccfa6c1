// Encryption of the reversible secrets the database holds (TOTP secrets): AES-256-GCM under the
// provider's 32-byte data key, which is never stored in the database. A sealed value is
// `v1:` + base64url(12-byte nonce | ciphertext | 16-byte tag). Each value is bound to what it is
// (associated data, e.g. `two_factor.secret:42`), so a sealed value copied into another row or
// column does not open.
import * as crypto from 'node:crypto';

export const DATA_KEY_BYTES = 32;
/** Every sealed value starts with this (the format version). */
export const SEALED_PREFIX = 'v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/** A stable, non-secret name for a data key (HMAC of a fixed label), to tell keys apart. */
export function dataKeyId(key: Uint8Array): string {
  return crypto.createHmac('sha256', key).update('tessera data key id v1').digest('hex').slice(0, 32);
}

export class SecretBox {
  private readonly key: Buffer;
  readonly keyId: string;

  constructor(key: Uint8Array) {
    if (key.length !== DATA_KEY_BYTES) throw new SecretBoxError(`a data key has ${DATA_KEY_BYTES} bytes, not ${key.length}`);
    this.key = Buffer.from(key);
    this.keyId = dataKeyId(this.key);
  }

  /** True when `value` is in the sealed form (whether or not it opens under this key). */
  static isSealed(value: string): boolean {
    return value.startsWith(SEALED_PREFIX);
  }

  seal(plaintext: string, context: string): string {
    const nonce = crypto.randomBytes(NONCE_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The plaintext; a SecretBoxError when `sealed` is not sealed, was altered, or is for another key or context. */
  open(sealed: string, context: string): string {
    if (!SecretBox.isSealed(sealed)) throw new SecretBoxError(`the ${context} value is not encrypted`);
    const raw = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url');
    if (raw.length < NONCE_BYTES + TAG_BYTES) throw new SecretBoxError(`the ${context} value is truncated`);
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError(`the ${context} value does not decrypt with this provider's data key`);
    }
  }
}
