// The GraphQL schema Tessera serves at /api/graphql: the subset of GitHub's schema that gh and
// scripts use for the viewer, repositories and their owners (names and types as on GitHub, so
// GitHub's queries run unchanged). What each field means on Tessera: docs/graphql.md.
export const SCHEMA_SDL = /* GraphQL */ `
"An ISO-8601 encoded UTC date string."
scalar DateTime
"An RFC 3986, RFC 3987, and RFC 6570 (level 4) compliant URI string."
scalar URI
"A Git object ID."
scalar GitObjectID

interface Node {
  id: ID!
}

interface Actor {
  login: String!
  url: URI!
  resourcePath: URI!
  avatarUrl(size: Int): URI!
}

interface RepositoryOwner {
  id: ID!
  login: String!
  url: URI!
  resourcePath: URI!
  avatarUrl(size: Int): URI!
  repositories(
    first: Int
    after: String
    last: Int
    before: String
    privacy: RepositoryPrivacy
    isFork: Boolean
    ownerAffiliations: [RepositoryAffiliation] = [OWNER, COLLABORATOR]
    orderBy: RepositoryOrder
  ): RepositoryConnection!
  repository(name: String!, followRenames: Boolean = true): Repository
}

type User implements Node & Actor & RepositoryOwner {
  id: ID!
  databaseId: Int
  login: String!
  name: String
  "The viewer's own email, to a token that may read it (user:email, email_addresses: read); an empty string otherwise."
  email: String!
  url: URI!
  resourcePath: URI!
  avatarUrl(size: Int): URI!
  createdAt: DateTime!
  updatedAt: DateTime!
  isSiteAdmin: Boolean!
  isViewer: Boolean!
  repositories(
    first: Int
    after: String
    last: Int
    before: String
    privacy: RepositoryPrivacy
    isFork: Boolean
    ownerAffiliations: [RepositoryAffiliation] = [OWNER, COLLABORATOR]
    orderBy: RepositoryOrder
  ): RepositoryConnection!
  repository(name: String!, followRenames: Boolean = true): Repository
  organizations(first: Int, after: String, last: Int, before: String): OrganizationConnection!
}

type Organization implements Node & Actor & RepositoryOwner {
  id: ID!
  databaseId: Int
  login: String!
  name: String
  description: String
  url: URI!
  resourcePath: URI!
  avatarUrl(size: Int): URI!
  createdAt: DateTime!
  updatedAt: DateTime!
  viewerIsAMember: Boolean!
  viewerCanAdminister: Boolean!
  repositories(
    first: Int
    after: String
    last: Int
    before: String
    privacy: RepositoryPrivacy
    isFork: Boolean
    ownerAffiliations: [RepositoryAffiliation] = [OWNER, COLLABORATOR]
    orderBy: RepositoryOrder
  ): RepositoryConnection!
  repository(name: String!, followRenames: Boolean = true): Repository
}

type Repository implements Node {
  id: ID!
  databaseId: Int
  name: String!
  nameWithOwner: String!
  owner: RepositoryOwner!
  description: String
  url: URI!
  resourcePath: URI!
  homepageUrl: URI
  mirrorUrl: URI
  createdAt: DateTime!
  updatedAt: DateTime!
  pushedAt: DateTime
  isPrivate: Boolean!
  visibility: RepositoryVisibility!
  isArchived: Boolean!
  isDisabled: Boolean!
  isEmpty: Boolean!
  isFork: Boolean!
  isInOrganization: Boolean!
  isLocked: Boolean!
  isMirror: Boolean!
  isTemplate: Boolean!
  parent: Repository
  templateRepository: Repository
  defaultBranchRef: Ref
  hasIssuesEnabled: Boolean!
  hasWikiEnabled: Boolean!
  hasProjectsEnabled: Boolean!
  hasDiscussionsEnabled: Boolean!
  mergeCommitAllowed: Boolean!
  squashMergeAllowed: Boolean!
  rebaseMergeAllowed: Boolean!
  deleteBranchOnMerge: Boolean!
  forkCount: Int!
  stargazerCount: Int!
  viewerPermission: RepositoryPermission
  viewerCanAdminister: Boolean!
  viewerHasStarred: Boolean!
}

type Ref {
  name: String!
  prefix: String!
  target: GitObject
}

interface GitObject {
  oid: GitObjectID!
  abbreviatedOid: String!
}

type Commit implements GitObject {
  oid: GitObjectID!
  abbreviatedOid: String!
  committedDate: DateTime!
  messageHeadline: String!
  message: String!
}

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type RepositoryConnection {
  nodes: [Repository]
  edges: [RepositoryEdge]
  pageInfo: PageInfo!
  totalCount: Int!
}

type RepositoryEdge {
  cursor: String!
  node: Repository
}

type OrganizationConnection {
  nodes: [Organization]
  edges: [OrganizationEdge]
  pageInfo: PageInfo!
  totalCount: Int!
}

type OrganizationEdge {
  cursor: String!
  node: Organization
}

enum RepositoryPrivacy {
  PUBLIC
  PRIVATE
}

enum RepositoryVisibility {
  PUBLIC
  PRIVATE
  INTERNAL
}

enum RepositoryPermission {
  ADMIN
  MAINTAIN
  WRITE
  TRIAGE
  READ
}

enum RepositoryAffiliation {
  OWNER
  COLLABORATOR
  ORGANIZATION_MEMBER
}

enum RepositoryOrderField {
  CREATED_AT
  UPDATED_AT
  PUSHED_AT
  NAME
  STARGAZERS
}

enum OrderDirection {
  ASC
  DESC
}

input RepositoryOrder {
  field: RepositoryOrderField!
  direction: OrderDirection!
}

type Query {
  "The currently authenticated user."
  viewer: User!
  repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
  repositoryOwner(login: String!): RepositoryOwner
  user(login: String!): User
  organization(login: String!): Organization
  "Repositories matching a GitHub search query (docs/graphql.md); no issues, pull requests or discussions exist."
  search(first: Int, after: String, last: Int, before: String, query: String!, type: SearchType!): SearchResultItemConnection!
  "The caller's GraphQL rate limit (the graphql bucket of GET /rate_limit), this query counted."
  rateLimit(
    "If true, calculate the cost for the query without evaluating it (nor counting it)."
    dryRun: Boolean = false
  ): RateLimit
}

type RateLimit {
  "The points this query cost: one on Tessera, whatever its size."
  cost: Int!
  limit: Int!
  "The nodes this query may return, as the node limit counts them."
  nodeCount: Int!
  remaining: Int!
  resetAt: DateTime!
  used: Int!
}

enum SearchType {
  ISSUE
  REPOSITORY
  USER
  DISCUSSION
}

union SearchResultItem = Issue | Organization | PullRequest | Repository | User

type SearchResultItemConnection {
  codeCount: Int!
  discussionCount: Int!
  edges: [SearchResultItemEdge]
  issueCount: Int!
  nodes: [SearchResultItem]
  pageInfo: PageInfo!
  repositoryCount: Int!
  userCount: Int!
  wikiCount: Int!
}

type SearchResultItemEdge {
  cursor: String!
  node: SearchResultItem
}

input CreateRepositoryInput {
  name: String!
  ownerId: ID
  description: String
  homepageUrl: URI
  visibility: RepositoryVisibility!
  template: Boolean = false
  teamId: ID
  hasIssuesEnabled: Boolean = true
  hasWikiEnabled: Boolean = false
  clientMutationId: String
}

type CreateRepositoryPayload {
  clientMutationId: String
  repository: Repository
}

type Mutation {
  createRepository(input: CreateRepositoryInput!): CreateRepositoryPayload
}
`;
