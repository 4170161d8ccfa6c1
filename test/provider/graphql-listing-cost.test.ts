// A GraphQL query's aliases of one listing (search, repositories) do not multiply the checks of
// which repositories its token may list: each repository is decided once per request. Counted at
// the store, under a fine-grained token (whose selected repositories are read per check).
import * as assert from 'node:assert/strict';
import { createRepo } from '../builders/repos';
import { newSession, type Session } from '../builders/sessions';
import { createFineGrainedToken } from '../builders/tokens';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';

describe('GraphQL: listings in one query', function () {
  this.timeout(60_000);
  let t: InProcessProvider;
  let alice: Session;
  let token: string;
  const names = ['one', 'two', 'three'];

  before(async () => {
    t = await startInProcessProvider();
    alice = await newSession(t);
    for (const name of names) await createRepo(t, alice, undefined, name, true);
    token = (
      await createFineGrainedToken(t, alice, { name: 'reader', resource_owner: alice.user.login, repositories: names, permissions: { repository: { contents: 'read' } } })
    ).token;
  });
  after(async () => t?.close());

  it('aliases of a search and of a repository list check each repository once, and still answer each', async () => {
    const reads: number[] = [];
    const repositoryIds = t.store.fineGrainedTokens.repositoryIds.bind(t.store.fineGrainedTokens);
    t.store.fineGrainedTokens.repositoryIds = async (tokenId) => {
      reads.push(tokenId);
      return repositoryIds(tokenId);
    };
    // Distinct query strings (spaces) that mean the same search.
    const searches = Array.from({ length: 20 }, (_, i) => `s${i}: search(first: 0, type: REPOSITORY, query: "user:${alice.user.login}${' '.repeat(i + 1)}") { repositoryCount }`);
    const lists = Array.from({ length: 20 }, (_, i) => `r${i}: repositories(first: ${(i % 3) + 1}) { totalCount }`);
    const query = `{ ${searches.join(' ')} viewer { ${lists.join(' ')} } }`;
    let answer;
    try {
      answer = await t.api.post(`${t.provider.url}/api/graphql`, { token, body: { query } });
    } finally {
      t.store.fineGrainedTokens.repositoryIds = repositoryIds;
    }
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json.errors, undefined, answer.text);
    for (let i = 0; i < 20; i++) {
      assert.equal(answer.json.data[`s${i}`].repositoryCount, 3);
      assert.equal(answer.json.data.viewer[`r${i}`].totalCount, 3);
    }
    // Each repository decided once per kind of listing (search lists for everyone, the viewer's own list not): 2 × 3.
    assert.ok(reads.length <= 2 * names.length, `the token's repositories were read ${reads.length} times`);
  });
});
