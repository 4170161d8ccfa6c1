// One commit of a bare repository, read with `git cat-file commit`: tree, parents, author,
// committer and message (what GitHub's commit objects carry).
import { execFile } from 'node:child_process';
import { gitCommandEnv } from '../git/bare-repos';
import { gitReadSlots } from '../git/git-read-slots';

export interface GitIdentity {
  name: string;
  email: string;
  date: Date;
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: GitIdentity;
  committer: GitIdentity;
  message: string;
}

function identity(value: string): GitIdentity {
  const m = /^(.*) <([^>]*)> (\d+) [+-]\d{4}$/.exec(value);
  if (!m) return { name: value, email: '', date: new Date(0) };
  return { name: m[1], email: m[2], date: new Date(Number(m[3]) * 1000) };
}

function parseCommit(sha: string, raw: string): CommitInfo {
  const blank = raw.indexOf('\n\n');
  const header = blank === -1 ? raw : raw.slice(0, blank);
  const out: CommitInfo = { sha, tree: '', parents: [], author: identity(''), committer: identity(''), message: blank === -1 ? '' : raw.slice(blank + 2) };
  for (const line of header.split('\n')) {
    const sp = line.indexOf(' ');
    const key = line.slice(0, sp);
    const value = line.slice(sp + 1);
    if (key === 'tree') out.tree = value;
    else if (key === 'parent') out.parents.push(value);
    else if (key === 'author') out.author = identity(value);
    else if (key === 'committer') out.committer = identity(value);
  }
  return out;
}

/** The commit `sha` names (a full 40-hex sha from for-each-ref). */
export function readCommit(gitDir: string, sha: string): Promise<CommitInfo> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) return Promise.reject(new Error(`not a commit sha: ${sha}`));
  return gitReadSlots.run(() => new Promise((resolve, reject) => {
    execFile('git', ['--git-dir', gitDir, 'cat-file', 'commit', sha], { env: gitCommandEnv(), maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`git cat-file failed: ${(stderr || err.message).trim()}`));
      else resolve(parseCommit(sha, stdout));
    });
  }));
}
