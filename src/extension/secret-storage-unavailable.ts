// VS Code's secret storage refused a read or write (no system keyring, a locked one, ...). Tessera
// keeps secrets there and in no other place, so what depended on it stops, saying why. Every call
// into the secret storage goes through `secretStorageCall` (or `guardedSecrets`), so the user gets
// this message, not the keyring's bare one.
import { TesseraError } from './services';

export class SecretStorageUnavailableError extends TesseraError {
  /** `consequence`: what cannot be done without it, and what the user can do. */
  constructor(cause: unknown, consequence: string) {
    super('server', `VS Code's secret storage is not available (${cause instanceof Error ? cause.message : String(cause)}). ${consequence}`);
    this.name = 'SecretStorageUnavailableError';
  }
}

/** Runs one secret storage call; a failure (thrown or rejected) becomes a SecretStorageUnavailableError. */
export async function secretStorageCall<T>(consequence: string, call: () => PromiseLike<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new SecretStorageUnavailableError(err, consequence);
  }
}

/** The secret storage calls Tessera makes. */
interface SecretCalls {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** `secrets` whose every call fails with a SecretStorageUnavailableError naming `consequence`. */
export function guardedSecrets(secrets: SecretCalls, consequence: string): { get(key: string): Promise<string | undefined>; store(key: string, value: string): Promise<void>; delete(key: string): Promise<void> } {
  return {
    get: (key) => secretStorageCall(consequence, () => secrets.get(key)),
    store: (key, value) => secretStorageCall(consequence, () => secrets.store(key, value)),
    delete: (key) => secretStorageCall(consequence, () => secrets.delete(key)),
  };
}
