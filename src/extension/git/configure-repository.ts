// "Set Up Git for this Repository": in the repository's own git config, for the Tessera origin
// of its remote only,
//   credential.<origin>.useHttpPath true     the repository path reaches the credential helper /
//                                             vscode.git's askpass, so the token fits owner/repo
//   http.<origin>/.sslCAInfo <ca.pem>         git trusts the provider's certificate (embedded CA,
//                                             or tessera.caFile for a standalone provider)
// Scoping both to the origin leaves the repository's other remotes (github.com, …) as they were.
import * as path from 'node:path';
import type { CoreServices } from '../core-services';
import { getLocalConfig, setLocalConfig } from './git-exec';
import type { GitRepository } from './git-api';
import { credentialUrlKey, httpUrlKey, parseRemoteUrl } from './remote-url';

interface ConfigEntry {
  readonly key: string;
  readonly value: string;
}

/** The Tessera origins the repository's remotes point at. */
export function tesseraOriginsOf(repo: GitRepository, isTesseraOrigin: (origin: string) => boolean): string[] {
  const set = new Set<string>();
  for (const r of repo.state.remotes) {
    for (const url of [r.fetchUrl, r.pushUrl]) {
      const ref = url ? parseRemoteUrl(url) : undefined;
      if (ref && isTesseraOrigin(ref.origin)) set.add(ref.origin);
    }
  }
  return [...set];
}

/** The config entries Tessera wants for an origin. */
function wantedConfig(core: CoreServices, origin: string): ConfigEntry[] {
  const out: ConfigEntry[] = [{ key: credentialUrlKey(origin, 'useHttpPath'), value: 'true' }];
  const ca = core.providers.caPathFor(origin);
  if (ca) out.push({ key: httpUrlKey(origin, 'sslCAInfo'), value: path.resolve(ca) });
  return out;
}

/** The entries that are missing or different in the repository's own config. */
export async function missingConfig(core: CoreServices, root: string, origin: string): Promise<ConfigEntry[]> {
  const out: ConfigEntry[] = [];
  for (const e of wantedConfig(core, origin)) {
    const cur = await getLocalConfig(root, e.key);
    if (cur !== e.value) out.push(e);
  }
  return out;
}

/** Writes the entries for each origin into the repository's config; answers what it set. */
export async function configureRepository(core: CoreServices, root: string, origins: readonly string[]): Promise<ConfigEntry[]> {
  const set: ConfigEntry[] = [];
  for (const origin of origins) {
    for (const e of await missingConfig(core, root, origin)) {
      await setLocalConfig(root, e.key, e.value);
      set.push(e);
    }
  }
  core.log.info(`Configured git in ${root}: ${set.length ? set.map((e) => `${e.key}=${e.value}`).join(', ') : 'already configured'}`);
  return set;
}
