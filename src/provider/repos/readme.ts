// GET /repos/{owner}/{repo}/readme: the preferred README of a ref (default: the default branch),
// found as GitHub does — a file named README or README.<ext> (any case) in `.github/`, then the
// root, then `docs/` — read with git (findReadme) and answered as GitHub's content-file object
// (readmeJson).
import type { ContentFileJson } from '../../shared/api-types';
import { apiBase, ProviderContext } from '../context';
import { repositoryPath } from '../git/bare-repos';
import { listFolder, readBlob, resolveCommit, TreeEntry } from '../git/tree-reader';
import { listBranches } from './branches';
import { notFound } from '../http/errors';
import { repositoriesRoot } from './repositories-root';
import type { RepositoryResourceRecord } from './repository-resource';

/** GitHub's contents API answers JSON with the content for files up to 1 MiB. */
const MAX_CONTENT_BYTES = 1024 * 1024;

const README_FOLDERS = ['.github', '', 'docs'];

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** Regular files named README or README.<ext>: Markdown ones first, then by name. */
function readmeIn(entries: TreeEntry[]): TreeEntry | undefined {
  const rank = (e: TreeEntry) => (/\.(md|markdown|mdown|mkdn)$/i.test(e.path) ? 0 : 1);
  return entries
    .filter((e) => e.type === 'blob' && e.mode !== '120000' && /^readme(\.[^/]+)?$/i.test(baseName(e.path)))
    .sort((a, b) => rank(a) - rank(b) || (baseName(a.path) < baseName(b.path) ? -1 : 1))[0];
}

function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,60}/g) ?? []).map((l) => `${l}\n`).join('');
}

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

export interface FoundReadme {
  /** The ref asked for, or the default branch's name. */
  ref: string;
  entry: TreeEntry;
  /** The file's bytes; undefined when it is over 1 MiB (GitHub answers those without content). */
  bytes: Buffer | undefined;
}

/** The README of `ref` (default: the default branch); 404 when the ref or a README is not there. */
export async function findReadme(ctx: ProviderContext, rec: RepositoryResourceRecord, ref: string | undefined): Promise<FoundReadme> {
  const gitDir = repositoryPath(repositoriesRoot(ctx), rec.owner.login, rec.repository.name);
  const name = ref ?? rec.repository.defaultBranch;
  const commit = await resolveCommit(gitDir, name);
  if (!commit) {
    if (ref === undefined && (await listBranches(gitDir)).length === 0) throw notFound('This repository is empty.');
    throw notFound(`No commit found for the ref ${name.slice(0, 255)}`);
  }
  for (const dir of README_FOLDERS) {
    const entry = readmeIn(await listFolder(gitDir, commit, dir));
    if (entry) return { ref: name, entry, bytes: entry.size <= MAX_CONTENT_BYTES ? await readBlob(gitDir, entry.sha, MAX_CONTENT_BYTES) : undefined };
  }
  throw notFound();
}

/** GitHub's content-file object of a README (Tessera serves no raw files: no download_url). */
export function readmeJson(ctx: ProviderContext, fullName: string, found: FoundReadme): ContentFileJson {
  const { entry, ref } = found;
  const api = `${apiBase(ctx)}/repos/${fullName}`;
  const url = `${api}/contents/${encodePath(entry.path)}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${api}/git/blobs/${entry.sha}`;
  const htmlUrl = `${ctx.origin}/${fullName}/blob/${encodePath(ref)}/${encodePath(entry.path)}`;
  return {
    type: 'file',
    encoding: found.bytes ? 'base64' : 'none',
    size: entry.size,
    name: baseName(entry.path),
    path: entry.path,
    content: found.bytes ? base64Lines(found.bytes) : '',
    sha: entry.sha,
    url,
    git_url: gitUrl,
    html_url: htmlUrl,
    download_url: null,
    _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}
