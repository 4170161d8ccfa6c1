// Reading committed files of a bare repository with the real git (no working tree): a ref (branch,
// tag or commit sha, as GitHub's `?ref=` takes it) to its commit, the entries of one folder of that
// commit, and a blob's bytes.
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import * as path from 'node:path';
import { gitCommandEnv } from './bare-repos';
import { gitReadSlots } from './git-read-slots';

export interface TreeEntry {
  /** `100644`, `100755`, `120000` (symlink), `040000` (folder), `160000` (submodule). */
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  /** Bytes of a blob (0 for anything else). */
  size: number;
  /** The path from the repository's root. */
  path: string;
}

function git(gitDir: string, args: string[], maxBuffer = 4 * 1024 * 1024): Promise<{ code: number; stdout: Buffer }> {
  return gitReadSlots.run(() => new Promise((resolve, reject) => {
    execFile('git', ['--git-dir', gitDir, ...args], { env: gitCommandEnv(), encoding: 'buffer', maxBuffer }, (err, stdout, stderr) => {
      const code = (err as { code?: unknown } | null)?.code;
      if (err && typeof code !== 'number') return reject(new Error(`git ${args[0]} failed: ${(stderr.toString() || err.message).trim()}`));
      resolve({ code: typeof code === 'number' ? code : 0, stdout });
    });
  }));
}

/**
 * A name git accepts below refs/ and no revision syntax (`~`, `^`, `:`, `..`, `@{`, …): what a
 * `?ref=` may be before it reaches git.
 */
function isPlainRefName(ref: string): boolean {
  if (!ref || ref.length > 255 || ref.startsWith('/') || ref.endsWith('/') || ref.endsWith('.') || ref.endsWith('.lock')) return false;
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\/|\/\./.test(ref) || ref.startsWith('.') || ref === '@') return false;
  return true;
}

/**
 * The commit `ref` names — a branch, then a tag (a short name, or a full `refs/…` name), then a
 * commit sha (4 to 40 hex digits) — or undefined. A repository not on disk has no commits.
 */
export async function resolveCommit(gitDir: string, ref: string): Promise<string | undefined> {
  const onDisk = await access(path.join(gitDir, 'HEAD')).then(
    () => true,
    () => false,
  );
  if (!onDisk) return undefined;
  const candidates: string[] = [];
  if (isPlainRefName(ref)) {
    if (ref.startsWith('refs/')) candidates.push(ref);
    else candidates.push(`refs/heads/${ref}`, `refs/tags/${ref}`);
  }
  if (/^[0-9a-f]{4,40}$/i.test(ref)) candidates.push(ref.toLowerCase());
  for (const name of candidates) {
    const r = await git(gitDir, ['rev-parse', '--verify', '--quiet', `${name}^{commit}`]);
    if (r.code === 0) return r.stdout.toString().trim();
  }
  return undefined;
}

/** The entries of the folder `dir` ('' = the root) of `commit`; none when there is no such folder. */
export async function listFolder(gitDir: string, commit: string, dir: string): Promise<TreeEntry[]> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) throw new Error(`not a commit sha: ${commit}`);
  const r = await git(gitDir, ['ls-tree', '-z', '--long', '--full-tree', commit, '--', ...(dir ? [`${dir}/`] : [])], 16 * 1024 * 1024);
  if (r.code !== 0) return [];
  const out: TreeEntry[] = [];
  for (const line of r.stdout.toString('utf8').split('\0')) {
    const m = /^(\d{6}) (blob|tree|commit) ([0-9a-f]+) +(\d+|-)\t(.*)$/s.exec(line);
    if (m) out.push({ mode: m[1], type: m[2] as TreeEntry['type'], sha: m[3], size: m[4] === '-' ? 0 : Number(m[4]), path: m[5] });
  }
  return out;
}

/** The bytes of the blob `sha`. */
export async function readBlob(gitDir: string, sha: string, maxBytes: number): Promise<Buffer> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) throw new Error(`not a blob sha: ${sha}`);
  const r = await git(gitDir, ['cat-file', 'blob', sha], maxBytes + 1);
  if (r.code !== 0) throw new Error(`git cat-file blob ${sha} failed`);
  return r.stdout;
}
