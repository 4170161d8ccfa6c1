// VS Code's secret storage refused a read or write (no system keyring, a locked one, ...). Tessera
// keeps secrets there and in no other place, so what depended on it stops, saying why.
import { TesseraError } from './services';

export class SecretStorageUnavailableError extends TesseraError {
  /** `consequence`: what cannot be done without it, and what the user can do. */
  constructor(cause: unknown, consequence: string) {
    super('server', `VS Code's secret storage is not available (${cause instanceof Error ? cause.message : String(cause)}). ${consequence}`);
    this.name = 'SecretStorageUnavailableError';
  }
}
