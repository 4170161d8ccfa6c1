// A repository's first commit, made with git plumbing in the bare repository (no working tree):
// `auto_init` on repository creation — a README.md on the default branch.
import { execFile } from 'node:child_process';
import { gitCommandEnv } from './bare-repos';
import { gitReadSlots } from './git-read-slots';

/** One git command, in a slot of the provider's bound on git commands. */
function git(gitDir: string, args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<string> {
  return gitReadSlots.run(() => new Promise((resolve, reject) => {
    const child = execFile('git', ['--git-dir', gitDir, ...args], { env: gitCommandEnv(opts.env), maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`git ${args[0]} failed: ${(stderr || err.message).trim()}`));
      else resolve(stdout.trim());
    });
    // A command that reads no input may exit before the write lands: its outcome is the callback's.
    child.stdin?.on('error', () => undefined);
    if (opts.input === undefined) child.stdin?.end();
    else child.stdin?.end(opts.input);
  }));
}

interface InitialCommit {
  branch: string;
  readme: string;
  message: string;
  author: { name: string; email: string };
  when: Date;
}

/**
 * Writes the README blob, its tree and a parentless commit, then points `refs/heads/{branch}` at
 * it — only if the branch does not exist yet: a push that got there first wins, also one that is
 * updating the branch at that moment (its ref locked). Returns the sha, or undefined when a push
 * won (the commit stays an unreferenced object, which git's gc removes).
 */
export async function writeInitialCommit(gitDir: string, c: InitialCommit): Promise<string | undefined> {
  const blob = await git(gitDir, ['hash-object', '-w', '--stdin'], { input: c.readme });
  const tree = await git(gitDir, ['mktree'], { input: `100644 blob ${blob}\tREADME.md\n` });
  const date = `${Math.floor(c.when.getTime() / 1000)} +0000`;
  const commit = await git(gitDir, ['commit-tree', tree], {
    input: c.message,
    env: {
      GIT_AUTHOR_NAME: c.author.name,
      GIT_AUTHOR_EMAIL: c.author.email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: c.author.name,
      GIT_COMMITTER_EMAIL: c.author.email,
      GIT_COMMITTER_DATE: date,
    },
  });
  try {
    // LC_ALL=C: git's own (untranslated) message, read below.
    await git(gitDir, ['update-ref', '-m', 'auto_init', `refs/heads/${c.branch}`, commit, '0'.repeat(40)], { env: { LC_ALL: 'C' } });
  } catch (err) {
    // "cannot lock ref …: reference already exists" or "…: Unable to create '….lock': File exists".
    if (/cannot lock ref/.test((err as Error).message)) return undefined;
    throw err;
  }
  return commit;
}
