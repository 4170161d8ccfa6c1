// The embedded provider of a UI test's workbench, seen from outside VS Code: its CA (in the
// workbench profile's global storage) and a client for it once it answers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiClient } from '../builders/api-client';

/** The embedded provider's CA as Tessera keeps it in a VS Code user-data folder. */
export function embeddedCaPath(userDataDir: string): string {
  return path.join(userDataDir, 'User', 'globalStorage', 'tessera-dev.tessera', 'provider', 'tls', 'ca.pem');
}

/** Waits until the embedded provider of a workbench answers its health check; a client for it. */
export async function waitForEmbeddedProvider(userDataDir: string, port: number, timeoutMs = 60_000): Promise<ApiClient> {
  const caPath = embeddedCaPath(userDataDir);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (fs.existsSync(caPath)) {
      const client = new ApiClient(`https://127.0.0.1:${port}`, fs.readFileSync(caPath, 'utf8'));
      try {
        const h = await client.get('/-/health');
        if (h.status === 200 && h.json?.service === 'tessera') return client;
        last = `health ${h.status}`;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
      }
      await client.close();
    } else last = `no CA at ${caPath}`;
    if (Date.now() > deadline) throw new Error(`the embedded provider on port ${port} did not come up: ${last}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
