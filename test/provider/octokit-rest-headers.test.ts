// @octokit/rest's own methods over the GitHub routes Tessera answers, relying on the headers GitHub
// documents: octokit.paginate follows Link through every list one item a page (and stops at the
// last page), a creation's Location is the resource's url, an ETag sent back as If-None-Match
// makes octokit throw its 304 RequestError, and the rate-limit headers and error bodies reach
// octokit's response and RequestError as GitHub's do. (Each answer's shape:
// ghes-schema.test.ts.)
import * as assert from 'node:assert/strict';
import type { Octokit } from '@octokit/rest';
import { newSession, type Session } from '../builders/sessions';
import { createFineGrainedToken } from '../builders/tokens';
import { addMember, orgWithMember, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { sshPublicKey } from '../builders/ssh-keys';
import { octokitFor } from './helpers/octokit';
import { startTestProvider, TestProvider } from './helpers/provider';

describe("@octokit/rest's methods and the headers they read", function () {
  this.timeout(120_000);
  let t: TestProvider;
  let owner: Session;
  let dev: Session;
  let org: string;
  let octokit: Octokit;
  /** The page number of each request octokit sent since the last reset. */
  let pages: number[] = [];

  before(async () => {
    t = await startTestProvider();
    ({ owner, member: dev, org } = await orgWithMember(t));
    await addMember(t, org, owner, await newSession(t));
    octokit = octokitFor(t, owner.token);
    octokit.hook.before('request', (options) => {
      pages.push(Number(new URL(String(options.url), 'http://x').searchParams.get('page') ?? 1));
    });
  });
  after(async () => t.close());

  /** Reads a whole list one item a page through octokit.paginate: one request per item, none past the end. */
  async function readAll<T>(read: () => Promise<T[]>, expected: number): Promise<T[]> {
    pages = [];
    const all = await read();
    assert.equal(all.length, expected);
    assert.deepEqual(pages, Array.from({ length: expected }, (_, i) => i + 1), 'one request a page, none past the last');
    return all;
  }

  it('octokit.paginate reads repositories, organizations, memberships, members and deploy keys through their Link headers', async () => {
    for (const name of ['a', 'b', 'c']) await createRepo(t, owner, undefined, `mine-${name}`);
    for (const name of ['x', 'y']) await createRepo(t, owner, org, `org-${name}`);
    const mine = await readAll(() => octokit.paginate(octokit.rest.repos.listForAuthenticatedUser, { per_page: 1, affiliation: 'owner' }), 3);
    assert.deepEqual(mine.map((r) => r.name).sort(), ['mine-a', 'mine-b', 'mine-c']);
    await readAll(() => octokit.paginate(octokit.rest.repos.listForOrg, { org, per_page: 1 }), 2);
    await readAll(() => octokit.paginate(octokit.rest.repos.listForUser, { username: owner.user.login, per_page: 1 }), 3);
    await readAll(() => octokit.paginate(octokit.rest.orgs.listMembers, { org, per_page: 1 }), 3);
    await readAll(() => octokit.paginate(octokit.rest.orgs.listForAuthenticatedUser, { per_page: 1 }), 1);
    await readAll(() => octokit.paginate(octokit.rest.orgs.listMembershipsForAuthenticatedUser, { per_page: 1 }), 1);
    for (const title of ['ci', 'deploy']) {
      await octokit.rest.repos.createDeployKey({ owner: owner.user.login, repo: 'mine-a', title, key: sshPublicKey(title) });
    }
    await readAll(() => octokit.paginate(octokit.rest.repos.listDeployKeys, { owner: owner.user.login, repo: 'mine-a', per_page: 1 }), 2);
  });

  it('octokit.paginate reads the approval queue and the granted tokens', async () => {
    await createRepo(t, owner, org, 'api');
    await setPolicy(t, org, owner, { require_approval: true });
    for (const name of ['ci', 'docs', 'deploy']) {
      await createFineGrainedToken(t, dev, { name, resource_owner: org, repositories: ['api'], permissions: { repository: { contents: 'read' } }, justification: `${name} reads api` });
    }
    const queue = await readAll(() => octokit.paginate(octokit.rest.orgs.listPatGrantRequests, { org, per_page: 1 }), 3);
    await octokit.rest.orgs.reviewPatGrantRequestsInBulk({ org, pat_request_ids: queue.map((r) => r.id), action: 'approve' });
    const grants = await readAll(() => octokit.paginate(octokit.rest.orgs.listPatGrants, { org, per_page: 1 }), 3);
    assert.deepEqual(grants.map((g) => g.owner.login), [dev.user.login, dev.user.login, dev.user.login]);
  });

  it('a creation answers Location, the url of what it made; an ETag sent back makes octokit throw its 304', async () => {
    const made = await octokit.rest.repos.createInOrg({ org, name: 'located', private: true });
    assert.equal(made.status, 201);
    assert.equal(made.headers.location, made.data.url);
    const key = await octokit.rest.repos.createDeployKey({ owner: org, repo: 'located', title: 'ci', key: sshPublicKey('ci') });
    assert.equal(key.headers.location, key.data.url);

    const first = await octokit.rest.repos.get({ owner: org, repo: 'located' });
    assert.match(first.headers.etag ?? '', /^W\/"/);
    await assert.rejects(octokit.rest.repos.get({ owner: org, repo: 'located', headers: { 'if-none-match': first.headers.etag } }), (err: { status?: number }) => err.status === 304);
  });

  it("rate-limit and scope headers reach octokit's response; error bodies reach its RequestError", async () => {
    const me = await octokit.rest.users.getAuthenticated();
    assert.equal(me.headers['x-ratelimit-resource'], 'core');
    assert.equal(Number(me.headers['x-ratelimit-limit']), Number(me.headers['x-ratelimit-used']) + Number(me.headers['x-ratelimit-remaining']));
    assert.ok(Number(me.headers['x-ratelimit-reset']) > 0);
    assert.equal(typeof me.headers['x-oauth-scopes'], 'string');
    const limits = await octokit.rest.rateLimit.get();
    assert.equal(limits.data.resources.core.limit, Number(me.headers['x-ratelimit-limit']));

    const refused = await octokit.rest.repos.createForAuthenticatedUser({ name: 'mine-a' }).then(() => undefined, (err: unknown) => err);
    const failure = refused as { status: number; response: { data: { message: string; documentation_url: string; errors: { resource: string; field: string; code: string }[] } } };
    assert.equal(failure.status, 422);
    assert.match(failure.response.data.documentation_url, /\/-\/docs\/errors#422$/);
    assert.deepEqual(failure.response.data.errors.map((e) => [e.resource, e.field, e.code]), [['Repository', 'name', 'already_exists']]);
    const missing = await octokit.rest.repos.get({ owner: org, repo: 'nothing-here' }).then(() => undefined, (err: unknown) => err);
    assert.equal((missing as { status: number }).status, 404);
    assert.equal((missing as { response: { data: { message: string } } }).response.data.message, 'Not Found');
  });
});
