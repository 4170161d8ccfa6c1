// GitHub's branch-with-protection object (GET /repos/{owner}/{repo}/branches/{branch}): the
// branch's commit in full. No branch is protected on Tessera.
import type { Branch } from './branches';
import type { CommitInfo, GitIdentity } from './commit-info';
import { githubTime } from '../iso-time';

function identityJson(i: GitIdentity): Record<string, unknown> {
  return { name: i.name, email: i.email, date: githubTime(i.date) };
}

/** `repoUrl` is the repository's API URL, `htmlUrl` its web URL. */
export function branchJson(repoUrl: string, htmlUrl: string, branch: Branch, commit: CommitInfo): Record<string, unknown> {
  const commitUrl = `${repoUrl}/commits/${commit.sha}`;
  const branchPath = branch.name.split('/').map(encodeURIComponent).join('/');
  return {
    name: branch.name,
    commit: {
      sha: commit.sha,
      node_id: Buffer.from(`Commit:${commit.sha}`, 'utf8').toString('base64'),
      url: commitUrl,
      html_url: `${htmlUrl}/commit/${commit.sha}`,
      comments_url: `${commitUrl}/comments`,
      commit: {
        url: `${repoUrl}/git/commits/${commit.sha}`,
        author: identityJson(commit.author),
        committer: identityJson(commit.committer),
        message: commit.message.replace(/\n$/, ''),
        tree: { sha: commit.tree, url: `${repoUrl}/git/trees/${commit.tree}` },
        comment_count: 0,
        verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
      },
      // GitHub links the commit's author and committer to accounts; Tessera does not.
      author: null,
      committer: null,
      parents: commit.parents.map((sha) => ({ sha, url: `${repoUrl}/commits/${sha}`, html_url: `${htmlUrl}/commit/${sha}` })),
    },
    _links: { self: `${repoUrl}/branches/${branchPath}`, html: `${htmlUrl}/tree/${branchPath}` },
    protected: false,
    protection: { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
    protection_url: `${repoUrl}/branches/${branchPath}/protection`,
  };
}
