// The fingerprint of this editor's sign-in tokens: `tessera-vscode.<machine id>.<random>`. The
// machine id is a random value kept in globalState (not a secret; one per VS Code profile on a
// machine), so a new sign-in can find the earlier sign-in tokens of the same machine and delete them
// instead of piling them up. The random tail keeps each sign-in's note + fingerprint unique.
import { randomBytes } from 'node:crypto';

const PREFIX = 'tessera-vscode.';
const MACHINE_ID_KEY = 'tessera.signInMachineId.v1';

interface Memento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

/** This profile's machine id (made and stored on first use). */
export async function signInMachineId(memento: Memento): Promise<string> {
  const known = memento.get<string>(MACHINE_ID_KEY);
  if (typeof known === 'string' && /^[0-9a-f]{16,64}$/.test(known)) return known;
  const id = randomBytes(12).toString('hex');
  await memento.update(MACHINE_ID_KEY, id);
  return id;
}

/** A new sign-in's fingerprint on this machine. */
export function signInFingerprint(machineId: string): string {
  return `${PREFIX}${machineId}.${randomBytes(6).toString('hex')}`;
}

/** Whether a token's fingerprint marks it as a sign-in of this machine. */
export function isSignInOfMachine(fingerprint: string | null | undefined, machineId: string): boolean {
  return typeof fingerprint === 'string' && fingerprint.startsWith(`${PREFIX}${machineId}.`);
}
