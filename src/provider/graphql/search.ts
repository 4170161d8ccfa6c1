// `search(type, query, first/after/last/before)`: GitHub's SearchResultItemConnection. Repositories
// are searched (repos/repository-search.ts, what `gh repo list` sends for --archived, --no-archived,
// --language, --topic and --visibility internal); Tessera has no issues, pull requests or
// discussions, so those searches find nothing; user search is not supported.
import { partialResultsHeader, SSO_HEADER } from '../authz/token-access';
import type { ListedRepository } from '../repos/repository-listing';
import { searchRepositories } from '../repos/repository-search';
import { checkPageArgs, Connection, PageArgs, paginate } from './connection';
import { GraphqlTypedError } from './errors';
import type { GraphqlContext } from './graphql-context';

export interface SearchArgs extends PageArgs {
  query: string;
  type: 'ISSUE' | 'REPOSITORY' | 'USER' | 'DISCUSSION';
}

type SearchConnection = Connection<ListedRepository> & {
  repositoryCount: number;
  issueCount: number;
  userCount: number;
  discussionCount: number;
  codeCount: number;
  wikiCount: number;
};

/** GitHub's bounds: a query of at most 256 characters, and at most 1,000 results to page through. */
export const MAX_SEARCH_QUERY_LENGTH = 256;
export const MAX_SEARCH_RESULTS = 1000;

export async function searchQuery(g: GraphqlContext, args: SearchArgs): Promise<SearchConnection> {
  checkPageArgs(args, 'search');
  if (args.type === 'USER') throw new GraphqlTypedError('UNPROCESSABLE', 'Tessera searches repositories only (type: REPOSITORY).');
  if (args.query.length > MAX_SEARCH_QUERY_LENGTH) {
    throw new GraphqlTypedError('UNPROCESSABLE', `The search query is too long: at most ${MAX_SEARCH_QUERY_LENGTH} characters (it has ${args.query.length}).`);
  }
  let found: ListedRepository[] = [];
  if (args.type === 'REPOSITORY') {
    const { items, ssoSkipped } = await searchRepositories(g.ctx, g.principal, args.query, g.listings);
    const sso = partialResultsHeader(ssoSkipped);
    if (sso) g.reply.header(SSO_HEADER, sso);
    found = items;
  }
  // repositoryCount tells how many match; only the first 1,000 can be paged through, as on GitHub.
  const page = paginate(found.slice(0, MAX_SEARCH_RESULTS), args, 'search');
  return { ...page, repositoryCount: found.length, issueCount: 0, userCount: 0, discussionCount: 0, codeCount: 0, wikiCount: 0 };
}
