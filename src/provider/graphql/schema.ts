// The executable schema: the SDL (./schema-sdl.ts, ./absent-features-sdl.ts) with its resolvers attached.
import { buildSchema, GraphQLFieldResolver, GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema, GraphQLUnionType } from 'graphql';
import type { AccountOwner } from '../repos/account-owner';
import { createRepositoryMutation, CreateRepositoryInput } from './create-repository';
import type { GraphqlContext } from './graphql-context';
import { accountByLogin, organizationByLogin, ORGANIZATION_FIELDS, USER_FIELDS, userByLogin } from './owner-fields';
import { REPOSITORY_FIELDS, repositoryByName } from './repository-fields';
import { SCHEMA_SDL } from './schema-sdl';
import { ABSENT_FEATURES_SDL } from './absent-features-sdl';
import { ABSENT_REPOSITORY_FIELDS } from './absent-features';
import { rateLimitField } from './rate-limit-field';
import { SearchArgs, searchQuery } from './search';
import { COMMIT_FIELDS, REF_FIELDS, resolveGitObjectType } from './git-object-fields';

type Resolver = (source: never, args: Record<string, unknown>, g: GraphqlContext) => unknown;

const QUERY_FIELDS: Record<string, Resolver> = {
  viewer: (_s, _a, g): AccountOwner => ({ type: 'User', id: g.principal.user.id, login: g.principal.user.login, user: g.principal.user }),
  repository: (_s, a, g) => repositoryByName(g, String(a.owner), String(a.name)),
  repositoryOwner: (_s, a, g) => accountByLogin(g, String(a.login)),
  user: (_s, a, g) => userByLogin(g, String(a.login)),
  organization: (_s, a, g) => organizationByLogin(g, String(a.login)),
  search: (_s, a, g) => searchQuery(g, a as unknown as SearchArgs),
  rateLimit: (_s, _a, g) => rateLimitField(g),
};

const MUTATION_FIELDS: Record<string, Resolver> = {
  createRepository: (_s, a, g) => createRepositoryMutation(g, a.input as CreateRepositoryInput),
};

const RESOLVERS: Record<string, Record<string, Resolver>> = {
  Query: QUERY_FIELDS,
  Mutation: MUTATION_FIELDS,
  Repository: { ...REPOSITORY_FIELDS, ...ABSENT_REPOSITORY_FIELDS } as Record<string, Resolver>,
  User: USER_FIELDS as Record<string, Resolver>,
  Organization: ORGANIZATION_FIELDS as Record<string, Resolver>,
  Ref: REF_FIELDS as Record<string, Resolver>,
  Commit: COMMIT_FIELDS as Record<string, Resolver>,
};

const resolveOwnerType = (o: AccountOwner) => o.type;

export function buildGraphqlSchema(): GraphQLSchema {
  const schema = buildSchema(SCHEMA_SDL + ABSENT_FEATURES_SDL);
  for (const [typeName, fields] of Object.entries(RESOLVERS)) {
    const type = schema.getType(typeName);
    if (!(type instanceof GraphQLObjectType)) throw new Error(`GraphQL schema: ${typeName} is not an object type`);
    const defined = type.getFields();
    for (const [name, resolve] of Object.entries(fields)) {
      if (!defined[name]) throw new Error(`GraphQL schema: ${typeName}.${name} has a resolver but is not in the schema`);
      defined[name].resolve = resolve as unknown as GraphQLFieldResolver<unknown, GraphqlContext>;
    }
    // Every field of our own types has a resolver (plain properties only on connections and payloads).
    if (typeName !== 'Query' && typeName !== 'Mutation') {
      const missing = Object.keys(defined).filter((f) => !fields[f]);
      if (missing.length) throw new Error(`GraphQL schema: ${typeName} has no resolver for ${missing.join(', ')}`);
    }
  }
  for (const name of ['RepositoryOwner', 'Actor']) {
    (schema.getType(name) as GraphQLInterfaceType).resolveType = resolveOwnerType as never;
  }
  (schema.getType('GitObject') as GraphQLInterfaceType).resolveType = resolveGitObjectType;
  const resolveNode = ((o: AccountOwner | { repository: unknown }) => ('repository' in o ? 'Repository' : o.type)) as never;
  (schema.getType('Node') as GraphQLInterfaceType).resolveType = resolveNode;
  (schema.getType('SearchResultItem') as GraphQLUnionType).resolveType = resolveNode;
  return schema;
}
