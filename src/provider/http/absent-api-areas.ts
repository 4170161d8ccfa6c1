// Parts of GitHub's REST API that Tessera does not have — Actions, REST search, notifications and
// events, forks, issues and pull requests, gists, teams, collaborators, GPG and SSH signing keys, git data (contents, commits, refs) — reach no
// route. They are answered 404 as any unknown path is, with GitHub's "Not Found" followed by what
// Tessera has no, so that `gh secret list`, `gh run list`, `gh search repos`, `gh repo fork`,
// `gh status`, `gh repo create --team`, `gh gpg-key add` … print a reason instead of a bare "HTTP 404: Not Found" (docs/api.md).

const REPO = String.raw`/repos/[^/]+/[^/]+`;
const END = String.raw`(/|$)`;

const AREAS: readonly (readonly [RegExp, string])[] = [
  [new RegExp(`^(${REPO}|/orgs/[^/]+|/repositories/[^/]+)/(actions|environments)${END}`), 'GitHub Actions (workflows, runs, secrets, variables, caches)'],
  [new RegExp(`^/search${END}`), 'REST search (repositories are searched with GraphQL search(type: REPOSITORY))'],
  [
    new RegExp(`^(/notifications|/events|/users/[^/]+/(received_)?events|/user/(starred|subscriptions)|/users/[^/]+/(starred|subscriptions)|${REPO}/(events|notifications|subscription|stargazers|subscribers))${END}`),
    'notifications, events, stars or watching',
  ],
  [new RegExp(`^${REPO}/(forks|merge-upstream)${END}`), 'forks'],
  [
    new RegExp(`^(/issues|/user/issues|${REPO}/(issues|pulls|releases|labels|milestones|assignees|comments|deployments))${END}`),
    'issues, pull requests, releases, labels, milestones or deployments',
  ],
  [new RegExp(`^(/gists|/users/[^/]+/gists)${END}`), 'gists'],
  [new RegExp(`^(/orgs/[^/]+/teams|/user/teams|/teams|${REPO}/teams)${END}`), 'teams'],
  [new RegExp(`^${REPO}/collaborators${END}`), 'collaborators (access comes from the owner and organization membership)'],
  [new RegExp(`^(/user|/users/[^/]+)/gpg_keys${END}`), 'GPG keys'],
  [new RegExp(`^(/user|/users/[^/]+)/ssh_signing_keys${END}`), 'SSH signing keys'],
  [new RegExp(`^${REPO}/(contents|commits|git|compare|tags|statuses|check-runs|check-suites|tarball|zipball)${END}`), 'git data in the REST API (read it with git: clone, fetch)'],
];

/** The message of a 404 for `path` (decoded, under /api/v3) that reached no route. */
export function notFoundMessage(path: string): string {
  const m = /^\/api\/v3(\/.*)$/.exec(path);
  const area = m ? AREAS.find(([re]) => re.test(m[1]))?.[1] : undefined;
  return area ? `Not Found: Tessera has no ${area}` : 'Not Found';
}
