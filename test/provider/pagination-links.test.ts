// The Link header as GitHub sends it: `prev` and `first` on every page after the first, `next` and
// `last` on every page before the last, none of them past the list's end, so an exactly full last
// page has no `next` and a page past the end links `prev` and `last` to the last page; octokit.paginate then reads such a list in exactly as many requests as it
// has pages. Checked on a list counted in memory (repositories), ones paged in the store (org
// members, classic authorizations, the token list, the approval queue).
import * as assert from 'node:assert/strict';
import type { ApiResponse, CallOptions } from '../builders/api-client';
import { octokitFor } from './helpers/octokit';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken, createFineGrainedToken } from '../builders/tokens';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { startTestProvider, TestProvider } from './helpers/provider';

/** rel → page number of each link in a Link header. */
function linksOf(res: ApiResponse): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (res.headers.get('link') ?? '').split(', ').filter(Boolean)) {
    const m = /^<([^>]+)>; rel="(\w+)"$/.exec(part);
    assert.ok(m, `a Link part: ${part}`);
    const url = new URL(m[1]);
    assert.equal(url.searchParams.get('per_page'), '2', part);
    out[m[2]] = Number(url.searchParams.get('page'));
  }
  return out;
}

describe('Link header: first, prev, next and last as on GitHub', function () {
  this.timeout(120_000);
  let t: TestProvider;
  let owner: Session;
  let org: string;

  before(async () => {
    t = await startTestProvider();
    owner = await newSession(t);
    org = await createOrg(t, owner);
  });
  after(async () => {
    await t?.close();
  });

  /**
   * Reads pages 1.. of `path` (per_page=2), and two past its end, and checks each page's links, for
   * a list of `total` items. Past the end, as on GitHub: `prev` and `last` lead to the last page.
   */
  async function checkPages(path: string, total: number, auth: CallOptions = { token: owner.token }): Promise<void> {
    const lastPage = Math.ceil(total / 2);
    for (let page = 1; page <= lastPage + 2; page++) {
      const res = await t.api.get(`${path}${path.includes('?') ? '&' : '?'}per_page=2&page=${page}`, auth);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.length, page <= lastPage ? Math.min(2, total - (page - 1) * 2) : 0, `${path} page ${page}`);
      const expected: Record<string, number> = {};
      if (page > lastPage) Object.assign(expected, { prev: lastPage, last: lastPage, first: 1 });
      else if (page > 1) Object.assign(expected, { prev: page - 1, first: 1 });
      if (page < lastPage) Object.assign(expected, { next: page + 1, last: lastPage });
      assert.deepEqual(linksOf(res), expected, `${path} page ${page} of ${lastPage}: ${res.headers.get('link')}`);
    }
  }

  it('repositories: page 1, a middle page, an exactly full last page, then a partial one', async () => {
    for (let i = 0; i < 6; i++) await createRepo(t, owner, org, `r${i}`);
    await checkPages(`/orgs/${org}/repos`, 6);
    await createRepo(t, owner, org, 'r6');
    await checkPages(`/orgs/${org}/repos`, 7);
  });

  it('org members (paged in the store): the same links', async () => {
    const members = await Promise.all(Array.from({ length: 5 }, () => newSession(t)));
    for (const m of members) await addMember(t, org, owner, m);
    await checkPages(`/orgs/${org}/members`, 6);
    await checkPages(`/orgs/${org}/members?role=member`, 5);
    await checkPages(`/orgs/${org}/members?role=admin`, 1);
  });

  it("tokens: the user's token list and the classic authorizations, each counted in the store", async () => {
    const s = await newSession(t);
    // The sign-in token and five more: six classic tokens.
    for (let i = 0; i < 5; i++) await createClassicToken(t, s, { scopes: [] });
    const auth = { token: s.token };
    await checkPages('/user/personal-access-tokens', 6, auth);
    await checkPages('/user/personal-access-tokens?kind=classic', 6, auth);
    await checkPages('/user/personal-access-tokens?status=active', 6, auth);
    await checkPages('/authorizations', 6, { basic: { login: s.user.login, password: s.user.password } });
    await createClassicToken(t, s, { scopes: [] });
    await checkPages('/user/personal-access-tokens', 7, auth);
    await checkPages('/authorizations', 7, { basic: { login: s.user.login, password: s.user.password } });
  });

  it('approval queue (paged in the store): newest first, oldest first with direction=asc, and the same with a filter', async () => {
    const queueOrg = await createOrg(t, owner);
    await setPolicy(t, queueOrg, owner, { require_approval: true });
    const dev = await newSession(t);
    await addMember(t, queueOrg, owner, dev);
    const tokenIds: number[] = [];
    for (let i = 0; i < 5; i++) {
      const body = { resource_owner: queueOrg, repository_selection: 'all' as const, permissions: { repository: { contents: 'read' } }, justification: `r${i}` };
      tokenIds.push((await createFineGrainedToken(t, dev, body)).id);
    }
    const base = `/orgs/${queueOrg}/personal-access-token-requests`;
    await checkPages(base, 5);
    await checkPages(`${base}?direction=asc`, 5);
    await checkPages(`${base}?owner=${dev.user.login}`, 5);
    const read = async (query: string) => {
      const out: number[] = [];
      for (let page = 1; page <= 3; page++) {
        const res = await t.api.get(`${base}?per_page=2&page=${page}${query}`, { token: owner.token });
        out.push(...res.json.map((r: { token_id: number }) => r.token_id));
      }
      return out;
    };
    assert.deepEqual(await read(''), [...tokenIds].reverse());
    assert.deepEqual(await read('&direction=asc'), tokenIds);
    assert.deepEqual(await read(`&direction=asc&owner=${dev.user.login}`), tokenIds);
  });

  it('per_page above 100 reads pages of 100, as GitHub caps it, instead of refusing the request', async () => {
    const s = await newSession(t);
    for (let i = 0; i < 2; i++) await createClassicToken(t, s, { scopes: [] });
    for (const perPage of ['100', '101', '1000', '999999999', '1000000000', '18446744073709551616', '9'.repeat(400)]) {
      const first = await t.api.get(`/user/personal-access-tokens?per_page=${perPage}`, { token: s.token });
      assert.equal(first.status, 200, `per_page=${perPage}: ${first.text}`);
      assert.equal(first.json.length, 3, `per_page=${perPage}`);
      const past = await t.api.get(`/user/personal-access-tokens?per_page=${perPage}&page=2`, { token: s.token });
      assert.equal(past.status, 200, `per_page=${perPage} page 2: ${past.text}`);
      assert.deepEqual(past.json, []);
      const prev = /<([^>]+)>; rel="prev"/.exec(past.headers.get('link') ?? '');
      assert.ok(prev, `per_page=${perPage} page 2: ${past.headers.get('link')}`);
      assert.equal(new URL(prev[1]).searchParams.get('per_page'), '100', 'the links read pages of 100');
    }
  });

  it('per_page below 1 reads the default 30 and page below 1 the first page, as on GitHub', async () => {
    const s = await newSession(t);
    for (let i = 0; i < 31; i++) await createClassicToken(t, s, { scopes: [] });
    for (const perPage of ['0', '-5', '00', '-1000000000', `-${'9'.repeat(400)}`]) {
      const res = await t.api.get(`/user/personal-access-tokens?per_page=${perPage}`, { token: s.token });
      assert.equal(res.status, 200, `per_page=${perPage}: ${res.text}`);
      assert.equal(res.json.length, 30, `per_page=${perPage}`);
      const next = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '');
      assert.ok(next, `per_page=${perPage}: ${res.headers.get('link')}`);
      assert.deepEqual([new URL(next[1]).searchParams.get('per_page'), new URL(next[1]).searchParams.get('page')], ['30', '2']);
    }
    for (const page of ['0', '-1', '-18446744073709551616', `-${'9'.repeat(400)}`]) {
      const res = await t.api.get(`/user/personal-access-tokens?per_page=2&page=${page}`, { token: s.token });
      assert.deepEqual([res.status, res.json.length, linksOf(res)], [200, 2, { next: 2, last: 16 }], `page=${page}: ${res.text}`);
    }
    const notANumber = await t.api.get('/user/personal-access-tokens?per_page=ten', { token: s.token });
    assert.deepEqual([notANumber.status, notANumber.json.errors?.[0]?.field], [422, 'per_page'], notANumber.text);
  });

  it('a page far past the end is empty, whatever its number of digits, its links leading back to the last page, as on GitHub (not a 422)', async () => {
    const s = await newSession(t);
    await createClassicToken(t, s, { scopes: [] });
    for (const page of ['1000000', '1000001', '99999999999', '18446744073709551616', '9'.repeat(21), '9'.repeat(400)]) {
      const res = await t.api.get(`/user/personal-access-tokens?per_page=2&page=${page}`, { token: s.token });
      assert.deepEqual([res.status, res.json], [200, []], `page=${page}: ${res.text}`);
      assert.deepEqual(linksOf(res), { prev: 1, last: 1, first: 1 }, `page=${page}: ${res.headers.get('link')}`);
      const repos = await t.api.get(`/user/repos?per_page=2&page=${page}`, { token: s.token });
      assert.deepEqual([repos.status, repos.json], [200, []], `/user/repos page=${page}: ${repos.text}`);
      const audit = await t.api.get(`/user/audit-log?per_page=2&page=${page}`, { token: s.token });
      assert.deepEqual([audit.status, audit.json], [200, []], `/user/audit-log page=${page}: ${audit.text}`);
    }
  });

  it('octokit.paginate reads an exactly full list once, without asking past its last page', async () => {
    const s = await newSession(t);
    for (let i = 0; i < 3; i++) await createClassicToken(t, s, { scopes: [] });
    const octokit = octokitFor(t, s.token);
    const pages: number[] = [];
    octokit.hook.before('request', (options) => {
      pages.push(Number(new URL(String(options.url), 'http://x').searchParams.get('page') ?? 1));
    });
    const all = await octokit.paginate('GET /user/personal-access-tokens', { per_page: 2 });
    assert.equal(all.length, 4);
    assert.equal(new Set(all.map((tok) => (tok as { id: number }).id)).size, 4, 'every token once');
    assert.deepEqual(pages, [1, 2], 'two requests for two full pages');
  });
});
