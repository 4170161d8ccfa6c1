// Repository fields for what Tessera does not have (absent-features-sdl.ts): GitHub's empty
// answers — null, [], empty connections with totalCount 0 — and the fixed settings REST answers
// too (no auto-merge, merge commits only). Their connections are always empty, so the node limit
// (node-limit.ts) does not count them.
import { avatarUrl } from '../avatars/identicon';
import type { ListedRepository } from '../repos/repository-listing';
import { sshUrlOf } from '../repos/repository-json';
import type { GraphqlContext } from './graphql-context';

type Resolver = (r: ListedRepository, args: Record<string, unknown>, g: GraphqlContext) => unknown;

const emptyConnection = () => ({
  nodes: [],
  edges: [],
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
  totalCount: 0,
});

/** The connection fields answered here: always empty. */
export const ALWAYS_EMPTY_CONNECTIONS: ReadonlySet<string> = new Set([
  'watchers',
  'assignableUsers',
  'mentionableUsers',
  'issues',
  'pullRequests',
  'repositoryTopics',
  'languages',
  'labels',
  'milestones',
  'projects',
]);

export const ABSENT_REPOSITORY_FIELDS: Record<string, Resolver> = {
  sshUrl: (r, _a, g) => sshUrlOf(new URL(g.ctx.origin).host, `${r.owner.login}/${r.repository.name}`),
  // GitHub draws a card; Tessera has the owner's avatar.
  openGraphImageUrl: (r, _a, g) => avatarUrl(g.ctx, r.owner.type === 'User' ? 'u' : 'o', r.owner.id),
  usesCustomOpenGraphImage: () => false,
  securityPolicyUrl: () => null,
  isSecurityPolicyEnabled: () => false,
  isBlankIssuesEnabled: () => true,
  // A user's profile repository (`login/login`), as on GitHub.
  isUserConfigurationRepository: (r) => r.owner.type === 'User' && r.repository.name.toLowerCase() === r.owner.login.toLowerCase(),
  autoMergeAllowed: () => false,
  // As REST's size.
  diskUsage: () => 0,
  codeOfConduct: () => null,
  contactLinks: () => [],
  fundingLinks: () => [],
  licenseInfo: () => null,
  primaryLanguage: () => null,
  latestRelease: () => null,
  issueTemplates: () => [],
  pullRequestTemplates: () => [],
  viewerDefaultCommitEmail: () => null,
  viewerDefaultMergeMethod: () => 'MERGE',
  viewerPossibleCommitEmails: () => [],
  viewerSubscription: () => 'UNSUBSCRIBED',
  ...Object.fromEntries([...ALWAYS_EMPTY_CONNECTIONS].map((name) => [name, name === 'languages' ? () => ({ ...emptyConnection(), totalSize: 0 }) : emptyConnection])),
};
