// Writing a file that holds a secret (recovery codes, the embedded provider's data key) where the
// user chose: the file is the user's only (0600), also when it existed before. open's mode applies
// only to a new file, so the truncated file is made private before the secret goes in.
import { open } from 'node:fs/promises';

export async function writePrivateFile(file: string, text: string): Promise<void> {
  const handle = await open(file, 'w', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
}
