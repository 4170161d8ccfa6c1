// GitHub's bound on search: only the first 1,000 results can be paged through, while the count
// tells how many match. Tessera has it on GraphQL `search(type: REPOSITORY)` (it has no REST
// search: /search/… is a 404 naming GraphQL, whatever page it asks for). Against the real provider
// with more than 1,000 repositories of one user: pages near the cap, `last`, a count above the cap,
// exactly 1,000, and a cursor from another connection that points past the cap. The repositories
// are records written through the store (as the API writes them, without their bare git
// repositories, which a search never reads): a thousand made through the API take minutes.
import * as assert from 'node:assert/strict';
import { newSession, type Session } from '../builders/sessions';
import { startInProcessProvider, type InProcessProvider } from './helpers/in-process-provider';

/** More than the cap: r0000 … r1002 (names sort as numbers: the default order is by full name). */
const REPOS = 1003;
const CAP = 1000;
const name = (i: number) => `r${String(i).padStart(4, '0')}`;

interface SearchPage {
  repositoryCount: number;
  nodes: { name: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const SEARCH = `query($q: String!, $first: Int, $after: String, $last: Int, $before: String) {
  search(type: REPOSITORY, query: $q, first: $first, after: $after, last: $last, before: $before) {
    repositoryCount nodes { ... on Repository { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

describe('search: only the first 1,000 results can be paged through', function () {
  this.timeout(120_000);
  let t: InProcessProvider;
  let s: Session;

  const search = async (vars: { q: string; first?: number; after?: string | null; last?: number; before?: string | null }): Promise<SearchPage> => {
    const res = await t.api.post(`${t.provider.url}/api/graphql`, { token: s.token, body: { query: SEARCH, variables: vars } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.errors, undefined, JSON.stringify(res.json.errors));
    return res.json.data.search as SearchPage;
  };
  const names = (p: SearchPage) => p.nodes.map((n) => n.name);
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => name(from + i));

  before(async () => {
    t = await startInProcessProvider();
    s = await newSession(t);
    const user = (await t.store.users.byLogin(s.user.login))!;
    for (let i = 0; i < REPOS; i++) {
      await t.store.repositories.create({ ownerType: 'User', ownerId: user.id, name: name(i), private: i % 2 === 0, createdBy: user.id, createdAt: t.clock.now() });
    }
  });
  after(async () => t?.close());

  it('counts every match (1,003) but pages through the first 1,000 only: the tenth page of 100 ends the search', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: SearchPage = await search({ q: 'user:@me', first: 100, after });
      pages++;
      assert.equal(page.repositoryCount, REPOS, 'the count is of every match, above the cap');
      seen.push(...names(page));
      if (!page.pageInfo.hasNextPage) break;
      assert.ok(pages < 20, 'the search ends');
      after = page.pageInfo.endCursor;
    }
    assert.equal(pages, 10);
    assert.deepEqual(seen, range(0, CAP), 'the first 1,000 in order, each once; r1000 … r1002 are never reached');
  });

  it('near the cap: a page that straddles it is cut at 1,000, the page after the last is empty, `last` ends at the 1,000th', async () => {
    const tail = await search({ q: 'user:@me', first: 100, after: await cursorAt(949) });
    assert.deepEqual(names(tail), range(950, CAP), 'after the 950th: the 50 up to the 1,000th, not 100');
    assert.equal(tail.pageInfo.hasNextPage, false);
    assert.equal(tail.pageInfo.hasPreviousPage, true);

    const straddling = await search({ q: 'user:@me', first: 10, after: await cursorAt(994) });
    assert.deepEqual(names(straddling), range(995, CAP));
    assert.equal(straddling.pageInfo.hasNextPage, false);
    assert.equal(straddling.repositoryCount, REPOS);

    const beyond = await search({ q: 'user:@me', first: 10, after: straddling.pageInfo.endCursor });
    assert.deepEqual(beyond.nodes, [], 'nothing after the 1,000th');
    assert.equal(beyond.pageInfo.hasNextPage, false);
    assert.equal(beyond.pageInfo.startCursor, null);
    assert.equal(beyond.pageInfo.endCursor, null);
    assert.equal(beyond.repositoryCount, REPOS);

    const last = await search({ q: 'user:@me', last: 3 });
    assert.deepEqual(names(last), range(997, CAP), '`last` counts back from the 1,000th, not from the last match');
    assert.equal(last.pageInfo.hasNextPage, false);
    assert.equal(last.pageInfo.hasPreviousPage, true);

    const backwards = await search({ q: 'user:@me', last: 2, before: last.pageInfo.startCursor });
    assert.deepEqual(names(backwards), range(995, 997));
  });

  it('exactly 1,000 matches: all of them, and the last page says there is no next one', async () => {
    // "r0" is a word in the names r0000 … r0999 only.
    const page = await search({ q: 'r0 user:@me', first: 100, after: await cursorAt(899) });
    assert.equal(page.repositoryCount, CAP);
    assert.deepEqual(names(page), range(900, CAP));
    assert.equal(page.pageInfo.hasNextPage, false);
    const one = await search({ q: 'r1 user:@me', first: 100 });
    assert.equal(one.repositoryCount, 3, 'r1000 … r1002');
    assert.deepEqual(names(one), range(1000, REPOS), 'below the cap, the same repositories are found');
  });

  it('a cursor past the 1,000th (from a connection without the cap) gets nothing after it, and `before` it stops at the 1,000th', async () => {
    // viewer.repositories has no cap: its cursor of the 1,002nd repository is a valid cursor.
    let after: string | null = null;
    let past: string | undefined;
    for (let i = 0; i < 20 && !past; i++) {
      const res: { json: any } = await t.api.post(`${t.provider.url}/api/graphql`, {
        token: s.token,
        body: { query: 'query($after: String) { viewer { repositories(first: 100, after: $after, orderBy: {field: NAME, direction: ASC}) { edges { cursor node { name } } pageInfo { hasNextPage endCursor } } } }', variables: { after } },
      });
      assert.equal(res.json.errors, undefined, JSON.stringify(res.json.errors));
      const conn = res.json.data.viewer.repositories;
      past = (conn.edges as { cursor: string; node: { name: string } }[]).find((e) => e.node.name === name(1001))?.cursor;
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    assert.ok(past, 'the viewer lists r1001');
    const afterPast = await search({ q: 'user:@me', first: 100, after: past });
    assert.deepEqual(afterPast.nodes, [], 'r1002 is not reached through the search');
    assert.equal(afterPast.pageInfo.hasNextPage, false);
    assert.equal(afterPast.repositoryCount, REPOS);
    const beforePast = await search({ q: 'user:@me', last: 2, before: past });
    assert.deepEqual(names(beforePast), range(998, CAP), 'r1000 is not reached either');
    assert.equal(beforePast.pageInfo.hasNextPage, false);
  });

  it('REST has no search: /search/repositories is a 404 naming GraphQL search, on the pages past 1,000 too (not a 422)', async () => {
    for (const query of ['q=user:x', 'q=user:x&page=10&per_page=100', 'q=user:x&page=11&per_page=100', 'q=user:x&page=34&per_page=30']) {
      const res = await t.api.get(`/search/repositories?${query}`, { token: s.token });
      assert.equal(res.status, 404, `${query}: ${res.text}`);
      assert.match(res.json.message, /Tessera has no REST search \(repositories are searched with GraphQL search\(type: REPOSITORY\)\)/);
      assert.equal(res.headers.get('link'), null, `${query}: no Link header`);
    }
  });

  /** The cursor of the result at 0-based `index` of `user:@me`, paging to it as a client would. */
  async function cursorAt(index: number): Promise<string> {
    let after: string | null = null;
    for (let start = 0; ; start += 100) {
      const res: { json: any } = await t.api.post(`${t.provider.url}/api/graphql`, {
        token: s.token,
        body: { query: 'query($after: String) { search(type: REPOSITORY, query: "user:@me", first: 100, after: $after) { edges { cursor } pageInfo { endCursor } } }', variables: { after } },
      });
      assert.equal(res.json.errors, undefined, JSON.stringify(res.json.errors));
      const { edges, pageInfo } = res.json.data.search as { edges: { cursor: string }[]; pageInfo: { endCursor: string | null } };
      if (index < start + 100) {
        assert.ok(edges[index - start], `a result at ${index}`);
        return edges[index - start]!.cursor;
      }
      after = pageInfo.endCursor;
    }
  }
});
