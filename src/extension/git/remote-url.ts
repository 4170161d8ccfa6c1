// Parses git remote URLs of a Tessera provider: `{origin}/{owner}/{repo}.git`. Pure.

interface RemoteRef {
  /** scheme://host[:port], without user info. */
  readonly origin: string;
  readonly owner?: string;
  readonly repo?: string;
}

/** The origin, owner and repository of an http(s) remote URL; undefined for ssh/file/other URLs. */
export function parseRemoteUrl(url: string): RemoteRef | undefined {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  const origin = `${u.protocol}//${u.host}`;
  let parts: string[];
  try {
    parts = decodeURIComponent(u.pathname).split('/').filter(Boolean);
  } catch {
    return { origin }; // a malformed %-escape: not a repository path
  }
  if (parts.length < 2) return { origin };
  const owner = parts[0]!;
  let repo = parts[1]!;
  if (repo.endsWith('.git')) repo = repo.slice(0, -4);
  // Smart-HTTP sub-paths (info/refs, git-upload-pack) may follow; anything else is not a repo URL.
  const rest = parts.slice(2).join('/');
  if (rest && !/^(info\/refs|git-upload-pack|git-receive-pack)$/.test(rest)) return { origin };
  if (!owner || !repo) return { origin };
  return { origin, owner, repo };
}

/** `{origin}/{owner}/{repo}.git` */
export function cloneUrl(origin: string, owner: string, repo: string): string {
  return `${origin}/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}.git`;
}

/** The key prefix git uses for per-URL http settings: `http.<origin>/.<key>`. */
export function httpUrlKey(origin: string, key: string): string {
  return `http.${origin}/.${key}`;
}

/** `credential.<origin>.useHttpPath`: the path reaches the helper for this origin only. */
export function credentialUrlKey(origin: string, key: string): string {
  return `credential.${origin}.${key}`;
}
