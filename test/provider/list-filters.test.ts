// GitHub's documented list parameters: /user/repos `since` / `before`; the grant and request lists'
// bracketed `owner[]` / `token_id[]`; the audit log's `phrase` qualifiers, `order` and the
// `after` / `before` cursors of its Link header; the approval queue's and the grants' filters,
// matched a page at a time. Bad values are refused with 422 naming them.
import * as assert from 'node:assert/strict';
import type { Octokit } from '@octokit/rest';
import { auditCursorOf } from '../builders/audit-cursor';
import { uniqueName } from '../builders/unique-name';
import { newSession, type Session } from '../builders/sessions';
import { createFineGrainedToken } from '../builders/tokens';
import { addMember, createOrg, orgWithMember, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';
import { octokitFor } from './helpers/octokit';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('documented list parameters', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let owner: Session;
  let dev: Session;
  let org: string;
  let octokit: Octokit;

  before(async () => {
    t = await startTestProvider();
    ({ owner, member: dev, org } = await orgWithMember(t));
    octokit = octokitFor(t, owner.token);
  });
  after(async () => t.close());

  it('repos.listForAuthenticatedUser: since and before filter on updated_at', async () => {
    const s = await newSession(t);
    await createRepo(t, s, undefined, 'old', true);
    t.clock.advance(60_000);
    const middle = t.clock.now().toISOString();
    t.clock.advance(60_000);
    await createRepo(t, s, undefined, 'new', true);
    const mine = octokitFor(t, s.token);
    assert.deepEqual((await mine.rest.repos.listForAuthenticatedUser({ since: middle })).data.map((r) => r.name), ['new']);
    assert.deepEqual((await mine.rest.repos.listForAuthenticatedUser({ before: middle })).data.map((r) => r.name), ['old']);
    assert.deepEqual((await mine.rest.repos.listForAuthenticatedUser({ sort: 'created', direction: 'asc' })).data.map((r) => r.name), ['old', 'new']);
    const bad = await t.api.get('/user/repos?since=yesterday', { token: s.token });
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.json.errors[0].field, 'since');
  });

  it("repos.listForOrg: newest first by default (GitHub's sort=created), other sorts on request; type=internal lists the internal ones", async () => {
    const o = await createOrg(t, owner);
    for (const name of ['b', 'a', 'c']) {
      await createRepo(t, owner, o, name, false);
      t.clock.advance(60_000);
    }
    await octokit.rest.repos.createInOrg({ org: o, name: 'd', visibility: 'internal' as 'private' });
    const names = async (params: Omit<Parameters<Octokit['rest']['repos']['listForOrg']>[0] & object, 'org'>) =>
      (await octokit.rest.repos.listForOrg({ org: o, ...params })).data.map((r) => r.name);
    assert.deepEqual(await names({}), ['d', 'c', 'a', 'b']);
    assert.deepEqual(await names({ direction: 'asc' }), ['b', 'a', 'c', 'd']);
    assert.deepEqual(await names({ sort: 'full_name' }), ['a', 'b', 'c', 'd']);
    assert.deepEqual(await names({ type: 'internal' }), ['d']);
    assert.deepEqual(await names({ type: 'public' }), ['c', 'a', 'b']);
    assert.deepEqual(
      (await octokit.paginate(octokit.rest.repos.listForOrg, { org: o, per_page: 1 })).map((r) => r.name),
      ['d', 'c', 'a', 'b'],
      'paged newest first, each once',
    );
  });

  it('grants and requests: owner[] and token_id[] filter like owner and token_id', async () => {
    await setPolicy(t, org, owner, { require_approval: true });
    await createRepo(t, owner, org, uniqueName('app'), true);
    const a = await createFineGrainedToken(t, dev, { resource_owner: org, repository_selection: 'all', permissions: { repository: { contents: 'read' } }, justification: 'a' });
    const ops = await newSession(t);
    await addMember(t, org, owner, ops);
    const b = await createFineGrainedToken(t, ops, { resource_owner: org, repository_selection: 'all', permissions: { repository: { contents: 'read' } }, justification: 'b' });
    const byOwner = await t.api.get(`/orgs/${org}/personal-access-token-requests?owner[]=${dev.user.login}`, { token: owner.token });
    assert.equal(byOwner.status, 200, byOwner.text);
    assert.deepEqual(byOwner.json.map((r: { token_id: number }) => r.token_id), [a.id]);
    const byId = await t.api.get(`/orgs/${org}/personal-access-token-requests?token_id[]=${a.id}&token_id[]=${b.id}`, { token: owner.token });
    assert.deepEqual(byId.json.map((r: { token_id: number }) => r.token_id).sort(), [a.id, b.id].sort());
    const bad = await t.api.get(`/orgs/${org}/personal-access-tokens?token_id[]=x`, { token: owner.token });
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.json.errors[0].field, 'token_id');
  });

  it("the org audit log: phrase qualifiers, order, and after/before cursors from the Link header", async () => {
    const o = await createOrg(t, owner);
    const names: string[] = [];
    for (let i = 0; i < 5; i++) {
      const name = uniqueName(`r${i}`);
      names.push(`${o}/${name}`);
      await createRepo(t, owner, o, name, true);
    }
    const get = (q: Record<string, string | number>) => octokit.request('GET /orgs/{org}/audit-log', { org: o, ...q });
    const repoOf = (e: { repo?: string }) => e.repo;
    const created = await get({ phrase: 'action:repo.create', order: 'asc' });
    assert.deepEqual(created.data.map(repoOf), names);
    const desc = await get({ phrase: 'action:repo.create' });
    assert.deepEqual(desc.data.map(repoOf), [...names].reverse());

    // Cursors: after the first event, two at a time, oldest first, following the Link header.
    const seen: string[] = [names[0]];
    let page = await get({ phrase: 'action:repo.create', order: 'asc', per_page: 2, after: auditCursorOf(created.data[0]._document_id) });
    for (;;) {
      seen.push(...page.data.map(repoOf));
      const next = /<([^>]+)>; rel="next"/.exec(page.headers.link ?? '');
      if (!next) break;
      page = await octokit.request(`GET ${new URL(next[1]).pathname.replace('/api/v3', '')}${new URL(next[1]).search}`);
    }
    assert.deepEqual(seen, names);
    const back = await get({ phrase: 'action:repo.create', order: 'asc', before: auditCursorOf(created.data[3]._document_id) });
    assert.deepEqual(back.data.map(repoOf), names.slice(0, 3));
    // A `before` page is the page just before its cursor (going back one page), in the list's order.
    const backTwo = await get({ phrase: 'action:repo.create', order: 'asc', per_page: 2, before: auditCursorOf(created.data[3]._document_id) });
    assert.deepEqual(backTwo.data.map(repoOf), names.slice(1, 3));
    const backDesc = await get({ phrase: 'action:repo.create', per_page: 2, before: auditCursorOf(created.data[1]._document_id) });
    assert.deepEqual(backDesc.data.map(repoOf), [names[3], names[2]]);

    const byActor = await get({ phrase: `actor:${owner.user.login} action:repo.create` });
    assert.equal(byActor.data.length, 5);
    const byOther = await get({ phrase: `actor:${dev.user.login}` });
    assert.equal(byOther.data.length, 0);
    const today = t.clock.now().toISOString().slice(0, 10);
    assert.equal((await get({ phrase: `action:repo.create created:${today}` })).data.length, 5);
    assert.equal((await get({ phrase: `action:repo.create created:<${today}` })).data.length, 0);
    assert.equal((await get({ phrase: `action:repo.create created:>=${today}` })).data.length, 5);
    // The last day there is bounds the range as any other (the day after it is the year 10000).
    assert.equal((await get({ phrase: 'action:repo.create created:<=9999-12-31' })).data.length, 5);
    assert.equal((await get({ phrase: `action:repo.create created:${today}..9999-12-31` })).data.length, 5);
    assert.equal((await get({ phrase: 'action:repo.create created:>9999-12-31' })).data.length, 0);
    assert.equal((await get({ phrase: 'action:repo.create created:9999-12-31' })).data.length, 0);

    for (const [q, field] of [['phrase=repo:x', 'phrase'], ['phrase=created:tomorrow', 'phrase'], ['after=nonsense', 'after'], ['order=sideways', 'order']] as const) {
      const res = await t.api.get(`/orgs/${o}/audit-log?${q}`, { token: owner.token });
      assert.equal(res.status, 422, `${q}: ${res.text}`);
      assert.ok(res.text.includes(field), res.text);
    }
  });

  it('the user audit log takes the same parameters', async () => {
    const res = await octokit.request('GET /user/audit-log', { phrase: `actor:${owner.user.login}`, order: 'asc', per_page: 1 });
    assert.equal(res.status, 200);
    assert.equal(res.data.length, 1);
    assert.match(res.headers.link ?? '', /rel="next"/);
  });

  it("the user audit log's token_id: qualifier: the events about one token, however many came after", async () => {
    const s = await newSession(t);
    const mine = octokitFor(t, s.token);
    const first = await createFineGrainedToken(t, s, { name: uniqueName('first') });
    for (let i = 0; i < 3; i++) await createFineGrainedToken(t, s, { name: uniqueName('later') });
    const about = await mine.request('GET /user/audit-log', { phrase: `token_id:${first.id}`, per_page: 100 });
    assert.ok(about.data.length > 0, 'the token has events');
    assert.ok(about.data.every((e: { token_id?: number }) => e.token_id === first.id), JSON.stringify(about.data));
    const all = await mine.request('GET /user/audit-log', { per_page: 100 });
    assert.ok(all.data.some((e: { token_id?: number }) => e.token_id !== undefined && e.token_id !== first.id), 'other tokens have events too');
    // Another person's token: its events are not theirs to read.
    const others = await octokit.request('GET /user/audit-log', { phrase: `token_id:${first.id}` });
    assert.deepEqual(others.data, []);
    for (const bad of ['token_id:x', 'token_id:0', 'token_id:']) {
      const res = await t.api.get(`/user/audit-log?phrase=${encodeURIComponent(bad)}`, { token: s.token });
      assert.equal(res.status, 422, `${bad}: ${res.text}`);
      assert.equal(res.json.errors[0].field, 'phrase');
    }
  });
});

describe('the filtered approval queue', function () {
  this.timeout(60_000);
  let t: InProcessProvider;
  before(async () => {
    t = await startInProcessProvider();
  });
  after(async () => {
    await t.close();
  });

  it('pages what passes the filter: per_page and page, direction, and Link headers counting the matches only; never reads the whole queue or all the grants', async () => {
    const owner = await newSession(t);
    const dev = await newSession(t);
    const org = await createOrg(t, owner);
    await addMember(t, org, owner, dev);
    await setPolicy(t, org, owner, { require_approval: true });
    const repo = uniqueName('web');
    await createRepo(t, owner, org, repo, true);
    const made: { id: number; contents: boolean }[] = [];
    for (let i = 0; i < 7; i++) {
      const contents = i % 3 !== 1; // five ask for contents, two for administration only
      const permissions = { repository: contents ? { contents: 'read' } : { administration: 'read' } };
      const tok = await createFineGrainedToken(t, dev, { resource_owner: org, repository_selection: 'all', permissions, justification: `t${i}` });
      made.push({ id: tok.id, contents });
    }
    const withContents = made.filter((m) => m.contents).map((m) => m.id);
    const pageSizes: (number | undefined)[] = [];
    const requests = t.store.tokenRequests.list.bind(t.store.tokenRequests);
    t.store.tokenRequests.list = async (q) => {
      pageSizes.push(q.limit);
      return requests(q);
    };
    const grants = t.store.tokenRequests.grants.bind(t.store.tokenRequests);
    t.store.tokenRequests.grants = async (q) => {
      pageSizes.push(q.limit);
      return grants(q);
    };
    const ids = (res: { json: { token_id: number }[] }) => res.json.map((r) => r.token_id);

    const pagesWhatPasses = async (list: string) => {
      const get = (query: string) => t.api.get(`/orgs/${org}/${list}?${query}`, { token: owner.token });
      const first = await get('permission=contents&per_page=2&direction=asc');
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(ids(first), withContents.slice(0, 2));
      assert.match(first.headers.get('link') ?? '', /page=3>; rel="last"/, 'five matches: three pages of two');
      const last = await get('permission=contents&per_page=2&page=3&direction=asc');
      assert.deepEqual(ids(last), withContents.slice(4));
      assert.doesNotMatch(last.headers.get('link') ?? '', /rel="next"/);
      assert.deepEqual(ids(await get('permission=contents&per_page=2&page=2')), [...withContents].reverse().slice(2, 4), 'newest first by default');
      assert.deepEqual(ids(await get('permission=contents&per_page=2&page=4')), []);
      assert.deepEqual(ids(await get(`permission=administration&owner=${dev.user.login}&repository=${repo}&direction=asc`)), made.filter((m) => !m.contents).map((m) => m.id));
      assert.deepEqual(ids(await get('repository=no-such-repository')), []);
      assert.deepEqual(ids(await get(`owner=${owner.user.login}`)), [], 'the owner made none');
      assert.deepEqual(ids(await get('last_used_after=2000-01-01T00:00:00Z')), [], 'none was used');
    };
    await pagesWhatPasses('personal-access-token-requests');
    // Approved in one go (one grant time: grants of the same time in token order), then the grants list.
    const queue = await t.api.get(`/orgs/${org}/personal-access-token-requests`, { token: owner.token });
    const approve = await t.api.post(`/orgs/${org}/personal-access-token-requests`, {
      token: owner.token,
      body: { action: 'approve', pat_request_ids: queue.json.map((r: { id: number }) => r.id) },
    });
    assert.equal(approve.status, 202, approve.text);
    await pagesWhatPasses('personal-access-tokens');
    // A page reads one row more than it shows (whether another page follows), never the whole list.
    assert.ok(pageSizes.length > 0 && pageSizes.every((n) => n !== undefined && n <= 31), `every read is a page: ${JSON.stringify(pageSizes)}`);
  });
});
