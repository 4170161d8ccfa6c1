// The branches of a bare repository, read with the real git (`git for-each-ref refs/heads`), and
// one branch with its commit.
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import * as path from 'node:path';
import { gitCommandEnv } from '../git/bare-repos';
import { gitReadSlots } from '../git/git-read-slots';
import { CommitInfo, readCommit } from './commit-info';

export interface Branch {
  name: string;
  sha: string;
}

/**
 * A repository whose bare repository is not on disk (yet: git access makes it, see routes/git.ts)
 * has no branches.
 */
export async function listBranches(gitDir: string): Promise<Branch[]> {
  const onDisk = await access(path.join(gitDir, 'HEAD')).then(
    () => true,
    () => false,
  );
  return onDisk ? forEachRef(gitDir) : [];
}

/** The branch of that name with its commit (undefined: no such branch). */
export async function readBranch(gitDir: string, name: string): Promise<{ branch: Branch; commit: CommitInfo } | undefined> {
  const branch = (await listBranches(gitDir)).find((b) => b.name === name);
  return branch ? { branch, commit: await readCommit(gitDir, branch.sha) } : undefined;
}

function forEachRef(gitDir: string): Promise<Branch[]> {
  return gitReadSlots.run(() => new Promise((resolve, reject) => {
    execFile(
      'git',
      ['--git-dir', gitDir, 'for-each-ref', '--sort=refname', '--format=%(objectname) %(refname:strip=2)', 'refs/heads'],
      { env: gitCommandEnv(), maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`git for-each-ref failed: ${(stderr || err.message).trim()}`));
        resolve(
          stdout
            .split('\n')
            .filter(Boolean)
            .map((line) => {
              const sp = line.indexOf(' ');
              return { sha: line.slice(0, sp), name: line.slice(sp + 1) };
            }),
        );
      },
    );
  }));
}
