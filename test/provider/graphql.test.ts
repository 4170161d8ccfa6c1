// GraphQL at POST /api/graphql against the real provider: the viewer, repositories by who asks
// and with what (scopes, fine-grained selection, org policy: the same answers as REST), lists,
// the mutation gh uses to create repositories, and errors in GitHub's shape.
import * as assert from 'node:assert/strict';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken, createFineGrainedToken } from '../builders/tokens';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { startTestProvider, TestProvider } from './helpers/provider';

interface GqlAnswer {
  status: number;
  data?: any;
  errors?: { type?: string; message: string; path?: (string | number)[]; locations?: { line: number; column: number }[] }[];
  body: any;
}

describe('GraphQL (/api/graphql)', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let alice: Session;
  let bob: Session;
  let org: string;

  const gql = async (token: string | undefined, query: string, variables?: Record<string, unknown>): Promise<GqlAnswer> => {
    const res = await t.api.post(`${t.provider.url}/api/graphql`, { ...(token !== undefined ? { token } : {}), body: { query, ...(variables ? { variables } : {}) } });
    return { status: res.status, data: res.json?.data, errors: res.json?.errors, body: res.json };
  };
  const nodeId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');

  before(async () => {
    t = await startTestProvider();
    alice = await newSession(t);
    bob = await newSession(t);
    org = await createOrg(t, alice);
    await createRepo(t, alice, undefined, 'secret', true);
    await createRepo(t, alice, undefined, 'open', false);
    await createRepo(t, alice, org, 'org-private', true);
    await createRepo(t, alice, org, 'org-public', false);
  });
  after(async () => t.close());

  it('viewer names the token owner with the ids REST uses; any token may ask', async () => {
    const me = await t.api.get('/user', { token: alice.token });
    const token = await createClassicToken(t, alice, { scopes: ['read:user'] });
    const r = await gql(token.token, '{ viewer { login id databaseId email isViewer } }');
    assert.equal(r.status, 200);
    assert.equal(r.errors, undefined);
    // read:user reads the profile, not the email address (user:email does, as GET /user/emails needs).
    assert.deepEqual(r.data.viewer, { login: alice.user.login, id: nodeId('User', me.json.id), databaseId: me.json.id, email: '', isViewer: true });
    const withEmail = await createClassicToken(t, alice, { scopes: ['user:email'] });
    assert.equal((await gql(withEmail.token, '{ viewer { email } }')).data.viewer.email, me.json.email);
    assert.match(me.json.email, /@/);
  });

  it("answers with GitHub's GraphQL headers: X-GitHub-Media-Type github.v4 (REST's is github.v3), resource graphql", async () => {
    const asked: [string | undefined, string][] = [
      [undefined, 'github.v4; format=json'],
      ['application/json', 'github.v4; format=json'],
      ['application/vnd.github+json', 'github.v4; format=json'],
      ['application/vnd.github.v3+json', 'github.v4; format=json'],
      ['application/vnd.github.merge-info-preview+json', 'github.v4; param=merge-info-preview; format=json'],
    ];
    for (const [accept, mediaType] of asked) {
      const res = await t.api.post(`${t.provider.url}/api/graphql`, { token: alice.token, body: { query: '{ viewer { login } }' }, headers: accept ? { accept } : {} });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.get('x-github-media-type'), mediaType, `Accept: ${accept}`);
      assert.equal(res.headers.get('x-ratelimit-resource'), 'graphql');
    }
    const refused = await t.api.post(`${t.provider.url}/api/graphql`, { body: { query: '{ viewer { login } }' } });
    assert.deepEqual([refused.status, refused.headers.get('x-github-media-type')], [401, 'github.v4; format=json'], 'a refusal too');
    assert.equal((await t.api.get('/user', { token: alice.token })).headers.get('x-github-media-type'), 'github.v3; format=json', "REST's stays v3");
  });

  it('answers 401 without credentials and for bad ones, as REST does', async () => {
    const none = await gql(undefined, '{ viewer { login } }');
    assert.equal(none.status, 401);
    const bad = await gql('tsp_0000000000000000000000000000000000000000', '{ viewer { login } }');
    assert.equal(bad.status, 401);
    assert.equal(bad.body.message, 'Bad credentials');
  });

  it('a repository: its fields for its owner, public ones for others, NOT_FOUND in GitHub\'s shape for a private one of someone else', async () => {
    const q = `query($o: String!, $n: String!) { repository(owner: $o, name: $n) {
      id name nameWithOwner owner { login ... on User { id } } isPrivate visibility viewerPermission viewerCanAdminister url isEmpty defaultBranchRef { name } } }`;
    const rest = await t.api.get(`/repos/${alice.user.login}/secret`, { token: alice.token });
    const mine = await gql(alice.token, q, { o: alice.user.login, n: 'secret' });
    assert.equal(mine.errors, undefined);
    assert.deepEqual(mine.data.repository, {
      id: rest.json.node_id,
      name: 'secret',
      nameWithOwner: `${alice.user.login}/secret`,
      owner: { login: alice.user.login, id: rest.json.owner.node_id },
      isPrivate: true,
      visibility: 'PRIVATE',
      viewerPermission: 'ADMIN',
      viewerCanAdminister: true,
      url: rest.json.html_url,
      isEmpty: true,
      defaultBranchRef: null,
    });
    const theirs = await gql(bob.token, q, { o: alice.user.login, n: 'secret' });
    assert.equal(theirs.status, 200);
    assert.deepEqual(theirs.data, { repository: null });
    assert.deepEqual(theirs.errors, [
      { type: 'NOT_FOUND', path: ['repository'], locations: [{ line: 1, column: 35 }], message: `Could not resolve to a Repository with the name '${alice.user.login}/secret'.` },
    ]);
    assert.equal((await t.api.get(`/repos/${alice.user.login}/secret`, { token: bob.token })).status, 404, 'REST says the same');
    const open = await gql(bob.token, q, { o: alice.user.login, n: 'open' });
    assert.equal(open.data.repository.viewerPermission, 'READ');
    assert.equal(open.data.repository.visibility, 'PUBLIC');
  });

  it('scopes are the REST ones: public_repo reads public repositories only; a private one is NOT_FOUND, as a missing one (REST: 404)', async () => {
    const publicOnly = await createClassicToken(t, alice, { scopes: ['public_repo'] });
    const q = `query($n: String!) { repository(owner: "${alice.user.login}", name: $n) { name } }`;
    assert.deepEqual((await gql(publicOnly.token, q, { n: 'open' })).data, { repository: { name: 'open' } });
    for (const n of ['secret', 'no-such-repository']) {
      const denied = await gql(publicOnly.token, q, { n });
      assert.deepEqual(denied.data, { repository: null });
      assert.deepEqual(
        denied.errors?.map((e) => [e.type, e.message]),
        [['NOT_FOUND', `Could not resolve to a Repository with the name '${alice.user.login}/${n}'.`]],
        n,
      );
      const rest = await t.api.get(`/repos/${alice.user.login}/${n}`, { token: publicOnly.token });
      assert.deepEqual([rest.status, rest.json.message], [404, 'Not Found'], `${n}: ${rest.text}`);
    }
    assert.deepEqual((await gql(alice.token, q, { n: 'secret' })).data, { repository: { name: 'secret' } }, 'it is there for a token with repo');
    const list = await gql(publicOnly.token, '{ viewer { repositories(first: 10) { totalCount nodes { name isPrivate } } } }');
    assert.deepEqual(list.data.viewer.repositories, { totalCount: 1, nodes: [{ name: 'open', isPrivate: false }] }, 'the list is filtered the same way');
  });

  it('fine-grained tokens reach only their selected repositories; the others are NOT_FOUND', async () => {
    const secret = await t.api.get(`/repos/${alice.user.login}/secret`, { token: alice.token });
    await createRepo(t, alice, undefined, 'other-secret', true);
    const fg = await createFineGrainedToken(t, alice, { repository_selection: 'subset', repositories: [secret.json.id], permissions: { repository: { metadata: 'read' } } });
    const q = `query($n: String!) { repository(owner: "${alice.user.login}", name: $n) { name } }`;
    assert.deepEqual((await gql(fg.token, q, { n: 'secret' })).data, { repository: { name: 'secret' } });
    const other = await gql(fg.token, q, { n: 'other-secret' });
    assert.equal(other.errors?.[0].type, 'NOT_FOUND');
    assert.equal((await t.api.get(`/repos/${alice.user.login}/other-secret`, { token: fg.token })).status, 404);
  });

  it("an org's policy applies per object: a restricted org refuses classic tokens on its private repositories", async () => {
    const policyOrg = await createOrg(t, alice);
    await createRepo(t, alice, policyOrg, 'guarded', true);
    const classic = await createClassicToken(t, alice, { scopes: ['repo'] });
    const q = `{ repository(owner: "${policyOrg}", name: "guarded") { name } }`;
    assert.deepEqual((await gql(classic.token, q)).data, { repository: { name: 'guarded' } });
    await setPolicy(t, policyOrg, alice, { classic_tokens: 'restricted' });
    const refused = await gql(classic.token, q);
    const rest = await t.api.get(`/repos/${policyOrg}/guarded`, { token: classic.token });
    assert.equal(rest.status, 403);
    assert.deepEqual(refused.errors?.map((e) => [e.type, e.message]), [['FORBIDDEN', rest.json.message]]);
  });

  it("lists: the viewer's repositories (with org ones by membership), an org's for a non-member (public only), paginated with cursors", async () => {
    const own = await gql(alice.token, `{ viewer { repositories(first: 2, orderBy: {field: NAME, direction: ASC}) {
      totalCount nodes { nameWithOwner } pageInfo { hasNextPage endCursor } } } }`);
    const names = own.data.viewer.repositories.nodes.map((n: { nameWithOwner: string }) => n.nameWithOwner);
    assert.equal(names.length, 2);
    assert.ok(names.every((n: string) => n.startsWith(`${alice.user.login}/`)), 'OWNER only by default');
    assert.equal(own.data.viewer.repositories.pageInfo.hasNextPage, own.data.viewer.repositories.totalCount > 2);
    const next = await gql(alice.token, `query($after: String) { viewer { repositories(first: 2, after: $after, orderBy: {field: NAME, direction: ASC}) { nodes { nameWithOwner } } } }`, {
      after: own.data.viewer.repositories.pageInfo.endCursor,
    });
    assert.ok(!next.data.viewer.repositories.nodes.some((n: { nameWithOwner: string }) => names.includes(n.nameWithOwner)), 'the next page follows the cursor');
    const last = await gql(alice.token, '{ viewer { repositories(last: 1, orderBy: {field: NAME, direction: ASC}) { nodes { name } pageInfo { hasPreviousPage hasNextPage } } } }');
    const all = await gql(alice.token, '{ viewer { repositories(first: 100, orderBy: {field: NAME, direction: ASC}) { nodes { name } } } }');
    assert.deepEqual(last.data.viewer.repositories, { nodes: [all.data.viewer.repositories.nodes.at(-1)], pageInfo: { hasPreviousPage: true, hasNextPage: false } });
    const withOrgs = await gql(alice.token, '{ viewer { repositories(first: 100, ownerAffiliations: [OWNER, ORGANIZATION_MEMBER], privacy: PRIVATE) { nodes { nameWithOwner } } } }');
    assert.ok(withOrgs.data.viewer.repositories.nodes.some((n: { nameWithOwner: string }) => n.nameWithOwner === `${org}/org-private`));
    const outsider = await gql(bob.token, `{ repositoryOwner(login: "${org}") { login ... on Organization { viewerIsAMember } repositories(first: 10) { nodes { name } } } }`);
    assert.deepEqual(outsider.data.repositoryOwner, { login: org, viewerIsAMember: false, repositories: { nodes: [{ name: 'org-public' }] } });
  });

  it("an org's member details (REST and GraphQL) only through credentials that reach the org; its billing email only with admin:org", async () => {
    assert.equal((await t.api.patch(`/orgs/${org}`, { token: (await createClassicToken(t, alice, { scopes: ['admin:org'] })).token, body: { billing_email: 'billing@org.example' } })).status, 200);
    const view = async (token: string) => {
      const rest = (await t.api.get(`/orgs/${org}`, { token })).json as { billing_email?: string; total_private_repos?: number };
      const g = await gql(token, `{ organization(login: "${org}") { viewerIsAMember viewerCanAdminister } }`);
      return { billing: rest.billing_email, privateRepos: rest.total_private_repos, graphql: g.data?.organization };
    };
    const adminOrg = await createClassicToken(t, alice, { scopes: ['admin:org'] });
    assert.deepEqual(await view(adminOrg.token), { billing: 'billing@org.example', privateRepos: 1, graphql: { viewerIsAMember: true, viewerCanAdminister: true } });
    const noScope = await createClassicToken(t, alice, { scopes: [] });
    assert.deepEqual(await view(noScope.token), { billing: undefined, privateRepos: 1, graphql: { viewerIsAMember: true, viewerCanAdminister: true } });
    // A fine-grained token of Alice's own account does not reach the org: the public profile, as anyone's.
    const ownAccount = await createFineGrainedToken(t, alice, { resource_owner: alice.user.login, repository_selection: 'none', permissions: {} });
    assert.deepEqual(await view(ownAccount.token), { billing: undefined, privateRepos: undefined, graphql: { viewerIsAMember: false, viewerCanAdminister: false } });
    // Nor does a classic token the org's SSO holds back.
    await setPolicy(t, org, alice, { sso_required: true });
    try {
      assert.deepEqual(await view(noScope.token), { billing: undefined, privateRepos: undefined, graphql: { viewerIsAMember: false, viewerCanAdminister: false } });
    } finally {
      await setPolicy(t, org, alice, { sso_required: false });
    }
  });

  it('viewer.organizations needs read:org or user, as GET /user/orgs does', async () => {
    const repoOnly = await createClassicToken(t, alice, { scopes: ['repo'] });
    const q = '{ viewer { login organizations(first: 100) { nodes { login } } } }';
    const denied = await gql(repoOnly.token, q);
    assert.equal(denied.errors?.[0].type, 'INSUFFICIENT_SCOPES');
    assert.deepEqual(denied.errors?.[0].path, ['viewer', 'organizations']);
    assert.equal((await t.api.get('/user/orgs', { token: repoOnly.token })).status, 403);
    const readOrg = await createClassicToken(t, alice, { scopes: ['read:org'] });
    const ok = await gql(readOrg.token, q);
    assert.ok(ok.data.viewer.organizations.nodes.some((o: { login: string }) => o.login === org));
  });

  it('createRepository (what gh repo create sends) needs repo or public_repo, makes the same repository as REST, and refuses a taken name', async () => {
    const m = `mutation($input: CreateRepositoryInput!) { createRepository(input: $input) { repository { id name owner { login } url isPrivate } } }`;
    const input = { name: 'via-graphql', visibility: 'PRIVATE', hasIssuesEnabled: true, hasWikiEnabled: true };
    const readOrg = await createClassicToken(t, alice, { scopes: ['read:org'] });
    const refused = await gql(readOrg.token, m, { input });
    assert.equal(refused.errors?.[0].type, 'INSUFFICIENT_SCOPES');
    // public_repo makes public repositories only: a private one lacks `repo`, the same INSUFFICIENT_SCOPES as a scope the route needs.
    const publicRepo = await createClassicToken(t, alice, { scopes: ['public_repo'] });
    const publicOnly = await gql(publicRepo.token, m, { input });
    assert.deepEqual(
      publicOnly.errors?.map((e) => [e.type, e.message]),
      [['INSUFFICIENT_SCOPES', 'Token lacks the required scope: repo']],
    );
    assert.equal((await t.api.get(`/repos/${alice.user.login}/via-graphql`, { token: alice.token })).status, 404, 'nothing was made');
    const made = await gql(alice.token, m, { input });
    assert.equal(made.errors, undefined);
    const rest = await t.api.get(`/repos/${alice.user.login}/via-graphql`, { token: alice.token });
    assert.equal(rest.status, 200);
    assert.deepEqual(made.data.createRepository.repository, { id: rest.json.node_id, name: 'via-graphql', owner: { login: alice.user.login }, url: rest.json.html_url, isPrivate: true });
    const again = await gql(alice.token, m, { input });
    assert.equal(again.errors?.[0].type, 'UNPROCESSABLE');
    assert.match(again.errors?.[0].message ?? '', /already exists/);
  });

  it('createRepository for an organization by ownerId: members may, others who can read the organization get FORBIDDEN saying so, an unknown id NOT_FOUND', async () => {
    const orgJson = await t.api.get(`/orgs/${org}`, { token: alice.token });
    const m = `mutation($input: CreateRepositoryInput!) { createRepository(input: $input) { repository { nameWithOwner viewerPermission } } }`;
    const input = { name: 'team-repo', visibility: 'PUBLIC', ownerId: orgJson.json.node_id };
    assert.equal((await t.api.get(`/orgs/${org}`, { token: bob.token })).status, 200, 'bob may read the organization');
    const outsider = await gql(bob.token, m, { input });
    assert.deepEqual(
      [outsider.errors?.[0].type, outsider.errors?.[0].message],
      ['FORBIDDEN', `${bob.user.login} does not have the correct permissions to execute \`CreateRepository\`: only members of ${org} can create its repositories.`],
    );
    const unknownId = Buffer.from('Organization:999999').toString('base64');
    const unknown = await gql(bob.token, m, { input: { ...input, ownerId: unknownId } });
    assert.deepEqual([unknown.errors?.[0].type, unknown.errors?.[0].message], ['NOT_FOUND', `Could not resolve to a node with the global id of '${unknownId}'.`]);
    const carol = await newSession(t);
    await addMember(t, org, alice, carol);
    const made = await gql(carol.token, m, { input });
    assert.deepEqual(made.data.createRepository.repository, { nameWithOwner: `${org}/team-repo`, viewerPermission: 'WRITE' });
  });

  it("createRepository stores GitHub's settings as REST does: homepageUrl, template, hasIssuesEnabled, hasWikiEnabled, INTERNAL for an organization", async () => {
    const orgJson = await t.api.get(`/orgs/${org}`, { token: alice.token });
    const m = `mutation($input: CreateRepositoryInput!) { createRepository(input: $input) { repository { visibility isPrivate homepageUrl isTemplate hasIssuesEnabled hasWikiEnabled } } }`;
    const input = { name: 'inside', visibility: 'INTERNAL', ownerId: orgJson.json.node_id, homepageUrl: 'https://docs.example.test', template: true, hasIssuesEnabled: false, hasWikiEnabled: true };
    const made = await gql(alice.token, m, { input });
    assert.equal(made.errors, undefined, JSON.stringify(made.errors));
    assert.deepEqual(made.data.createRepository.repository, { visibility: 'INTERNAL', isPrivate: true, homepageUrl: 'https://docs.example.test', isTemplate: true, hasIssuesEnabled: false, hasWikiEnabled: true });
    const rest = await t.api.get(`/repos/${org}/inside`, { token: alice.token });
    assert.deepEqual([rest.json.visibility, rest.json.homepage, rest.json.is_template, rest.json.has_issues, rest.json.has_wiki], ['internal', 'https://docs.example.test', true, false, true]);
    const mine = await gql(alice.token, m, { input: { name: 'not-internal', visibility: 'INTERNAL' } });
    assert.equal(mine.errors?.[0].type, 'UNPROCESSABLE');
    assert.match(mine.errors?.[0].message ?? '', /internal/);
  });

  it('search(type: REPOSITORY) (gh repo list --archived/--no-archived/--language/--topic): user:/org:/@me, is:, fork:, archived:, words; what the token lists', async () => {
    const carol = await newSession(t);
    const me = carol.user.login;
    const carolOrg = await createOrg(t, carol);
    const alpha = await createRepo(t, carol, undefined, 'alpha', true);
    await createRepo(t, carol, undefined, 'beta', false);
    await createRepo(t, carol, carolOrg, 'gamma', true);
    const internal = await t.api.post(`/orgs/${carolOrg}/repos`, { token: carol.token, body: { name: 'delta', visibility: 'internal', description: 'The Inside one' } });
    assert.equal(internal.status, 201, internal.text);
    const q = `query($q: String!, $first: Int = 10, $after: String) { search(type: REPOSITORY, query: $q, first: $first, after: $after) {
      repositoryCount nodes { ... on Repository { nameWithOwner } } pageInfo { hasNextPage endCursor } } }`;
    const names = async (token: string, query: string) => {
      const r = await gql(token, q, { q: query });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      return r.data.search.nodes.map((n: { nameWithOwner: string }) => n.nameWithOwner);
    };
    // What gh repo list --no-archived sends.
    assert.deepEqual(await names(carol.token, 'sort:updated-desc archived:false fork:true user:@me'), [`${me}/beta`, `${me}/alpha`]);
    assert.deepEqual(await names(carol.token, `archived:false fork:true user:${carolOrg}`), [`${carolOrg}/delta`, `${carolOrg}/gamma`]);
    assert.deepEqual(await names(carol.token, `is:internal user:${carolOrg}`), [`${carolOrg}/delta`]);
    assert.deepEqual((await names(carol.token, `is:private org:${carolOrg} user:${me}`)).sort(), [`${carolOrg}/gamma`, `${me}/alpha`].sort());
    assert.deepEqual(await names(carol.token, `org:${me}`), [], 'org: names organizations only');
    assert.deepEqual(await names(carol.token, `inside user:${carolOrg}`), [`${carolOrg}/delta`], 'words match the description');
    assert.deepEqual(await names(carol.token, `"inside one" in:name user:${carolOrg}`), []);
    for (const none of ['archived:true', 'fork:only', 'language:go', 'topic:cli', 'is:sponsorable']) assert.deepEqual(await names(carol.token, `user:@me ${none}`), [], none);
    t.clock.advance(60_000);
    await t.api.patch(`/repos/${me}/alpha`, { token: carol.token, body: { description: 'touched' } });
    assert.deepEqual(await names(carol.token, 'sort:updated-desc user:@me'), [`${me}/alpha`, `${me}/beta`]);
    assert.deepEqual(await names(carol.token, 'sort:updated-asc user:@me'), [`${me}/beta`, `${me}/alpha`]);

    // Others see the public ones; a fine-grained token its selection and public ones; a public_repo token public ones.
    assert.deepEqual(await names(bob.token, `user:${me}`), [`${me}/beta`]);
    const fg = await createFineGrainedToken(t, carol, { repository_selection: 'subset', repositories: [alpha.id], permissions: { repository: { metadata: 'read' } } });
    assert.deepEqual(await names(fg.token, 'user:@me'), [`${me}/alpha`, `${me}/beta`]);
    const publicOnly = await createClassicToken(t, carol, { scopes: ['public_repo'] });
    assert.deepEqual(await names(publicOnly.token, 'user:@me'), [`${me}/beta`]);

    const page = await gql(carol.token, q, { q: 'user:@me', first: 1 });
    assert.equal(page.data.search.repositoryCount, 2);
    assert.equal(page.data.search.pageInfo.hasNextPage, true);
    const next = await gql(carol.token, q, { q: 'user:@me', first: 1, after: page.data.search.pageInfo.endCursor });
    assert.deepEqual(next.data.search.nodes, [{ nameWithOwner: `${me}/beta` }]);
    const issues = await gql(carol.token, '{ search(type: ISSUE, query: "is:open", first: 5) { issueCount nodes { __typename ... on Issue { number } ... on PullRequest { number } } } }');
    assert.deepEqual(issues.data.search, { issueCount: 0, nodes: [] });
    const users = await gql(carol.token, '{ search(type: USER, query: "x", first: 5) { userCount } }');
    assert.equal(users.errors?.[0].type, 'UNPROCESSABLE');
    assert.equal((await gql(carol.token, '{ search(type: REPOSITORY, query: "x") { repositoryCount } }')).errors?.[0].type, 'MISSING_PAGINATION_BOUNDARIES');
    // GitHub's bound on a query: 256 characters.
    assert.equal((await gql(carol.token, q, { q: `user:@me ${'a'.repeat(247)}` })).errors, undefined);
    const long = await gql(carol.token, q, { q: `user:@me ${'a'.repeat(248)}` });
    assert.equal(long.errors?.[0].type, 'UNPROCESSABLE');
    assert.match(long.errors?.[0].message ?? '', /too long: at most 256 characters \(it has 257\)/);
  });

  it('errors: unknown fields and syntax errors with locations, missing or excessive pagination, depth limit, and a body without query (422)', async () => {
    const unknown = await gql(alice.token, '{ viewer { nope } }');
    assert.equal(unknown.status, 200);
    assert.equal(unknown.data, undefined);
    assert.deepEqual(unknown.errors?.[0].locations, [{ line: 1, column: 12 }]);
    assert.match(unknown.errors?.[0].message ?? '', /nope/);
    const syntax = await gql(alice.token, '{ viewer { login }');
    assert.ok(syntax.errors?.[0].locations?.length);
    const missing = await gql(alice.token, '{ viewer { repositories { totalCount } } }');
    assert.equal(missing.errors?.[0].type, 'MISSING_PAGINATION_BOUNDARIES');
    const excessive = await gql(alice.token, '{ viewer { repositories(first: 101) { totalCount } } }');
    assert.equal(excessive.errors?.[0].type, 'EXCESSIVE_PAGINATION');
    const deep = await gql(alice.token, `{ viewer { ${'repositories(first: 1) { nodes { owner { '.repeat(4)}login${' } } }'.repeat(4)} } }`);
    assert.equal(deep.data, undefined);
    assert.match(deep.errors?.[0].message ?? '', /exceeds max depth/);
    const wide = await gql(alice.token, '{ viewer { organizations(first: 100) { nodes { repositories(first: 100) { nodes { isEmpty } } } } } }');
    assert.equal(wide.data, undefined, 'refused before it runs');
    assert.deepEqual(wide.errors, [{ type: 'MAX_NODE_LIMIT_EXCEEDED', message: 'This query requires up to 10100 possible nodes which exceeds the maximum allowed of 1000.' }]);
    const viaVariables = await gql(alice.token, 'query($n: Int!) { viewer { repositories(first: $n) { nodes { owner { repositories(first: $n) { totalCount } } } } } }', { n: 40 });
    assert.equal(viaVariables.errors?.[0].type, 'MAX_NODE_LIMIT_EXCEEDED', 'page sizes from variables count too');
    // A variable left out takes its default: that page size counts as well (it used to count as none, and the query ran).
    const viaDefaults = await gql(alice.token, 'query($n: Int = 40) { viewer { repositories(first: $n) { nodes { owner { repositories(first: $n) { totalCount } } } } } }');
    assert.equal(viaDefaults.data, undefined, 'refused before it runs');
    assert.deepEqual(viaDefaults.errors, [{ type: 'MAX_NODE_LIMIT_EXCEEDED', message: 'This query requires up to 1640 possible nodes which exceeds the maximum allowed of 1000.' }]);
    const noQuery = await t.api.post(`${t.provider.url}/api/graphql`, { token: alice.token, body: { variables: {} } });
    assert.equal(noQuery.status, 422);
    assert.equal(noQuery.json.errors[0].field, 'query');
  });

  it('each object looked up by name counts toward the node limit, so aliases spread through fragments cannot multiply lookups past it', async () => {
    // Eight aliases of a lookup per level, four levels through fragments: 8 + 64 + 512 + 4096 lookups,
    // no connection at all. It used to count 0 nodes and run every lookup.
    const level = (i: number) => Array.from({ length: 8 }, (_, j) => `a${j}: repository(name: "open") { owner { ...F${i + 1} } }`).join(' ');
    const fragments = [0, 1, 2, 3].map((i) => `fragment F${i} on RepositoryOwner { ${level(i)} }`).join('\n');
    const multiplied = await gql(alice.token, `query { viewer { ...F0 } }\n${fragments}\nfragment F4 on RepositoryOwner { login }`);
    assert.equal(multiplied.data, undefined, 'refused before it runs');
    assert.deepEqual(multiplied.errors, [{ type: 'MAX_NODE_LIMIT_EXCEEDED', message: 'This query requires up to 4680 possible nodes which exceeds the maximum allowed of 1000.' }]);
    // A hundred lookups side by side are a hundred nodes: answered, each checked as REST checks it.
    const side = Array.from({ length: 100 }, (_, j) => `r${j}: repository(owner: "${alice.user.login}", name: "${j % 2 ? 'open' : 'secret'}") { name }`).join(' ');
    const hundred = await gql(bob.token, `{ ${side} rateLimit { nodeCount } }`);
    assert.equal(hundred.data.rateLimit.nodeCount, 100);
    assert.deepEqual([hundred.data.r1, hundred.data.r0], [{ name: 'open' }, null]);
    assert.equal(hundred.errors?.length, 50);
    assert.ok(hundred.errors?.every((e) => e.type === 'NOT_FOUND'));
  });

  it("answers gh's schema feature detection (introspection of Repository)", async () => {
    const r = await gql(alice.token, '{ Repository: __type(name: "Repository") { fields(includeDeprecated: true) { name } } }');
    const names = r.data.Repository.fields.map((f: { name: string }) => f.name);
    for (const f of ['visibility', 'nameWithOwner', 'viewerPermission', 'defaultBranchRef']) assert.ok(names.includes(f), f);
  });
});
