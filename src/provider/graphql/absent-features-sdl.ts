// The Repository fields of GitHub's schema for what Tessera does not have — issues, pull requests,
// releases, labels, topics, languages, licenses, watchers, projects, … — with their types, so that
// every field `gh repo view/list --json` can ask for (gh's api.RepositoryFields) validates. They
// answer GitHub's empty values (absent-features.ts); what each means: docs/graphql.md.
export const ABSENT_FEATURES_SDL = /* GraphQL */ `
"A Git SSH remote URL (git@host:owner/name.git)."
scalar GitSSHRemote

extend type Repository {
  "GitHub's SSH remote form, as REST's ssh_url. Tessera serves git over HTTPS only: it does not answer there."
  sshUrl: GitSSHRemote!
  openGraphImageUrl: URI!
  usesCustomOpenGraphImage: Boolean!
  securityPolicyUrl: URI
  isSecurityPolicyEnabled: Boolean
  isBlankIssuesEnabled: Boolean!
  isUserConfigurationRepository: Boolean!
  autoMergeAllowed: Boolean!
  diskUsage: Int
  codeOfConduct: CodeOfConduct
  contactLinks: [RepositoryContactLink!]
  fundingLinks: [FundingLink!]!
  licenseInfo: License
  primaryLanguage: Language
  latestRelease: Release
  issueTemplates: [IssueTemplate!]
  pullRequestTemplates: [PullRequestTemplate!]
  viewerDefaultCommitEmail: String
  viewerDefaultMergeMethod: PullRequestMergeMethod!
  viewerPossibleCommitEmails: [String!]
  viewerSubscription: SubscriptionState
  watchers(first: Int, after: String, last: Int, before: String): UserConnection!
  assignableUsers(first: Int, after: String, last: Int, before: String, query: String): UserConnection!
  mentionableUsers(first: Int, after: String, last: Int, before: String, query: String): UserConnection!
  issues(first: Int, after: String, last: Int, before: String, states: [IssueState!], labels: [String!]): IssueConnection!
  pullRequests(
    first: Int
    after: String
    last: Int
    before: String
    states: [PullRequestState!]
    labels: [String!]
    headRefName: String
    baseRefName: String
  ): PullRequestConnection!
  repositoryTopics(first: Int, after: String, last: Int, before: String): RepositoryTopicConnection!
  languages(first: Int, after: String, last: Int, before: String): LanguageConnection
  labels(first: Int, after: String, last: Int, before: String, query: String): LabelConnection
  milestones(first: Int, after: String, last: Int, before: String, states: [MilestoneState!], query: String): MilestoneConnection
  projects(first: Int, after: String, last: Int, before: String, states: [ProjectState!], search: String): ProjectConnection!
}

enum IssueState {
  OPEN
  CLOSED
}

enum PullRequestState {
  OPEN
  CLOSED
  MERGED
}

enum MilestoneState {
  OPEN
  CLOSED
}

enum ProjectState {
  OPEN
  CLOSED
}

enum PullRequestMergeMethod {
  MERGE
  SQUASH
  REBASE
}

enum SubscriptionState {
  UNSUBSCRIBED
  SUBSCRIBED
  IGNORED
}

enum FundingPlatform {
  COMMUNITY_BRIDGE
  CUSTOM
  GITHUB
  ISSUEHUNT
  KO_FI
  LFX_CROWDFUNDING
  LIBERAPAY
  OPEN_COLLECTIVE
  OTECHIE
  PATREON
  TIDELIFT
}

type CodeOfConduct {
  id: ID!
  key: String!
  name: String!
  body: String
  url: URI
  resourcePath: URI
}

type RepositoryContactLink {
  about: String!
  name: String!
  url: URI!
}

type FundingLink {
  platform: FundingPlatform!
  url: URI!
}

type License {
  id: ID!
  key: String!
  name: String!
  nickname: String
  spdxId: String
  url: URI
}

type Language {
  id: ID!
  name: String!
  color: String
}

type Release {
  id: ID!
  name: String
  tagName: String!
  publishedAt: DateTime
  url: URI!
}

type IssueTemplate {
  name: String!
  title: String
  body: String
  about: String
}

type PullRequestTemplate {
  body: String
  filename: String
}

type Issue {
  id: ID!
  number: Int!
  title: String!
  state: IssueState!
  url: URI!
}

type PullRequest {
  id: ID!
  number: Int!
  title: String!
  state: PullRequestState!
  url: URI!
}

type Topic {
  id: ID!
  name: String!
}

type RepositoryTopic {
  id: ID!
  topic: Topic!
  url: URI!
  resourcePath: URI!
}

type Label {
  id: ID!
  name: String!
  color: String!
  description: String
}

type Milestone {
  id: ID!
  number: Int!
  title: String!
  description: String
  dueOn: DateTime
  state: MilestoneState!
}

type Project {
  id: ID!
  number: Int!
  name: String!
  body: String
  state: ProjectState!
  resourcePath: URI!
}

type UserConnection {
  edges: [UserEdge]
  nodes: [User]
  pageInfo: PageInfo!
  totalCount: Int!
}

type UserEdge {
  cursor: String!
  node: User
}

type IssueConnection {
  edges: [IssueEdge]
  nodes: [Issue]
  pageInfo: PageInfo!
  totalCount: Int!
}

type IssueEdge {
  cursor: String!
  node: Issue
}

type PullRequestConnection {
  edges: [PullRequestEdge]
  nodes: [PullRequest]
  pageInfo: PageInfo!
  totalCount: Int!
}

type PullRequestEdge {
  cursor: String!
  node: PullRequest
}

type RepositoryTopicConnection {
  edges: [RepositoryTopicEdge]
  nodes: [RepositoryTopic]
  pageInfo: PageInfo!
  totalCount: Int!
}

type RepositoryTopicEdge {
  cursor: String!
  node: RepositoryTopic
}

type LanguageConnection {
  edges: [LanguageEdge]
  nodes: [Language]
  pageInfo: PageInfo!
  totalCount: Int!
  "The total size in bytes of files written in that language."
  totalSize: Int!
}

type LanguageEdge {
  cursor: String!
  node: Language!
  size: Int!
}

type LabelConnection {
  edges: [LabelEdge]
  nodes: [Label]
  pageInfo: PageInfo!
  totalCount: Int!
}

type LabelEdge {
  cursor: String!
  node: Label
}

type MilestoneConnection {
  edges: [MilestoneEdge]
  nodes: [Milestone]
  pageInfo: PageInfo!
  totalCount: Int!
}

type MilestoneEdge {
  cursor: String!
  node: Milestone
}

type ProjectConnection {
  edges: [ProjectEdge]
  nodes: [Project]
  pageInfo: PageInfo!
  totalCount: Int!
}

type ProjectEdge {
  cursor: String!
  node: Project
}
`;
