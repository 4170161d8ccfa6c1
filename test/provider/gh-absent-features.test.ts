// Debian's `gh`, unchanged, asking the real provider (set-up in helpers/gh.ts) for what GitHub has
// and Tessera does not: issues, pull requests, releases, labels, gists, archiving (GraphQL: one
// error naming what is missing, graphql/absent-feature-errors.ts), Actions, search, notifications,
// forks, teams, … (REST: a 404 saying what is missing, http/absent-api-areas.ts), GPG keys (adding
// one: a 422 saying Tessera keeps none).
import * as assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ensureGh, GhEnvironment, ghEnvironment, GhRun, runGh } from './helpers/gh';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { createOrg } from '../builders/orgs';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('gh asking for what Tessera has no', function () {
  this.timeout(120_000);
  let t: TestProvider;
  let alice: Session;
  let ghEnv: GhEnvironment;
  let env: NodeJS.ProcessEnv;

  const gh = async (args: string[]): Promise<GhRun> => {
    const r = await runGh(args, env);
    assert.equal(r.status, 0, `gh ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
    return r;
  };

  before(async function () {
    this.timeout(600_000);
    ensureGh();
    t = await startTestProvider({ tls: 'auto' });
    alice = await newSession(t);
    const token = await createClassicToken(t, alice, { scopes: ['repo', 'read:org'] });
    ghEnv = await ghEnvironment(t.provider, token.token);
    env = ghEnv.env;
  });
  after(async () => {
    await t?.close();
    await ghEnv?.dispose();
  });

  it('gh issue / pr / release / label / gist and gh repo archive fail with one GraphQL error naming what Tessera has no (a typo keeps its own error)', async () => {
    await gh(['repo', 'create', 'no-issues', '--private']);
    const repo = `${alice.user.login}/no-issues`;
    const cases: [string[], RegExp][] = [
      [['issue', 'list', '-R', repo], /^GraphQL: Tessera has no issues or labels \(it serves repositories, git and tokens\): Cannot query field "\w+" on type "Issue"\.$/],
      [['issue', 'create', '-R', repo, '-t', 'title', '-b', 'body'], /^GraphQL: Tessera has no issues \(it serves repositories, git and tokens\): /],
      [['pr', 'list', '-R', repo], /^GraphQL: Tessera has no pull requests \(it serves repositories, git and tokens\): /],
      [['pr', 'view', '1', '-R', repo], /^GraphQL: Tessera has no pull requests, teams or status checks \(it serves repositories, git and tokens\): Cannot query field "pullRequest" on type "Repository"\.$/],
      [['release', 'list', '-R', repo], /^Message: Tessera has no releases \(it serves repositories, git and tokens\): Cannot query field "releases" on type "Repository"\., Locations: /],
      [['label', 'list', '-R', repo], /^GraphQL: Tessera has no labels \(it serves repositories, git and tokens\): /],
      [['gist', 'list'], /^Message: Tessera has no gists \(it serves repositories, git and tokens\): /],
      [['repo', 'archive', repo, '--yes'], /^Message: Tessera has no repository archiving \(it serves repositories, git and tokens\): /],
    ];
    for (const [args, expected] of cases) {
      const r = await runGh(args, env);
      assert.equal(r.status, 1, `gh ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr.trim().split('\n')[0], expected, `gh ${args.join(' ')}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `gh ${args.join(' ')} prints one error:\n${r.stderr}`);
    }
    const typo = await runGh(['api', 'graphql', '-f', 'query={ viewer { logn } repository(owner: "x", name: "y") { isues: issuez } }'], env);
    assert.equal(typo.status, 1);
    assert.deepEqual(
      (JSON.parse(typo.stdout) as { errors: { message: string }[] }).errors.map((e) => e.message),
      ['Cannot query field "logn" on type "User". Did you mean "login"?', 'Cannot query field "issuez" on type "Repository". Did you mean "issues"?'],
    );
  });

  it('gh secret / run / workflow list, gh search repos, gh repo fork, gh status, gh repo create --team: a 404 saying what Tessera has no (an unknown path stays "Not Found")', async () => {
    await gh(['repo', 'create', 'no-actions', '--private']);
    const repo = `${alice.user.login}/no-actions`;
    const cases: [string[], RegExp][] = [
      [['secret', 'list', '-R', repo], /^failed to get secrets: HTTP 404: Not Found: Tessera has no GitHub Actions \(workflows, runs, secrets, variables, caches\) \(/],
      [['run', 'list', '-R', repo], /^failed to get runs: HTTP 404: Not Found: Tessera has no GitHub Actions /],
      [['workflow', 'list', '-R', repo], /^could not get workflows: HTTP 404: Not Found: Tessera has no GitHub Actions /],
      [['search', 'repos', 'no-actions'], /^HTTP 404: Not Found: Tessera has no REST search \(repositories are searched with GraphQL search\(type: REPOSITORY\)\) \(/],
      [['repo', 'fork', repo], /^failed to fork: HTTP 404: Not Found: Tessera has no forks \(/],
      // gh status asks for notifications, events and (GraphQL) assigned issues at once and names the first that failed.
      [['status'], /HTTP 404: Not Found: Tessera has no notifications, events, stars or watching \(|GraphQL: Tessera has no issues/],
      [['repo', 'create', `${await createOrg(t, alice)}/with-team`, '--private', '--team', 'core'], /^HTTP 404: Not Found: Tessera has no teams \(/],
      [['api', `repos/${repo}/contents/README.md`], /^gh: Not Found: Tessera has no git data in the REST API \(read it with git: clone, fetch\) \(HTTP 404\)$/],
    ];
    for (const [args, expected] of cases) {
      const r = await runGh(args, env);
      assert.equal(r.status, 1, `gh ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr.trim(), expected, `gh ${args.join(' ')}`);
    }
    // Reading one GPG key reaches no route (adding one is a 422, below).
    const gpgKey = await t.api.get('/user/gpg_keys/1', { token: alice.token });
    assert.deepEqual([gpgKey.status, gpgKey.json.message], [404, 'Not Found: Tessera has no GPG keys']);
    const collaborators = await t.api.get(`/repos/${repo}/collaborators`, { token: alice.token });
    assert.deepEqual([collaborators.status, collaborators.json.message], [404, 'Not Found: Tessera has no collaborators (access comes from the owner and organization membership)']);
    const starred = await t.api.get('/user/starred', { token: alice.token });
    assert.deepEqual([starred.status, starred.json.message], [404, 'Not Found: Tessera has no notifications, events, stars or watching']);
    for (const unknown of ['/api/v3/nope', `/api/v3/repos/${repo}/nope`, '/api/v3/repos/x/actions', '/actions/secrets']) {
      const res = await t.api.get(`${t.provider.url}${unknown}`, { token: alice.token });
      assert.deepEqual([res.status, res.json.message], [404, 'Not Found'], unknown);
    }
  });

  it('gh gpg-key list says there are none: GET /user/gpg_keys is [] under read:gpg_key (gh reads a 404 there as missing scopes)', async () => {
    const gpgToken = (await createClassicToken(t, alice, { scopes: ['read:gpg_key'] })).token;
    // As on a terminal (GH_FORCE_TTY): gh prints "no results" messages only there.
    const list = await runGh(['gpg-key', 'list'], { ...env, GH_ENTERPRISE_TOKEN: gpgToken, GH_FORCE_TTY: '1' });
    assert.deepEqual([list.status, list.stdout, list.stderr.trim()], [0, '', 'no GPG keys present in the GitHub account']);
    const res = await t.api.get('/user/gpg_keys?per_page=10', { token: gpgToken });
    assert.deepEqual([res.status, res.json], [200, []]);
  });

  it('gh gpg-key add is a 422 saying Tessera keeps no GPG keys (gh reads a 404 there as missing scopes); nothing is listed after', async () => {
    const keyFile = path.join(ghEnv.dir, 'key.asc');
    await writeFile(keyFile, ARMORED_GPG_KEY);
    const gpgToken = (await createClassicToken(t, alice, { scopes: ['write:gpg_key'] })).token;
    const add = await runGh(['gpg-key', 'add', keyFile], { ...env, GH_ENTERPRISE_TOKEN: gpgToken });
    assert.equal(add.status, 1, add.stderr);
    assert.match(add.stderr, /^HTTP 422: Validation Failed: armored_public_key is not used: Tessera verifies no commit signatures and keeps no GPG keys /, add.stderr);
    assert.doesNotMatch(add.stderr, /scopes/);
    const direct = await t.api.post('/user/gpg_keys', { token: gpgToken, body: { name: 'laptop', armored_public_key: ARMORED_GPG_KEY } });
    const [error] = direct.json.errors;
    assert.deepEqual([direct.status, direct.json.errors.length, error.resource, error.field, error.code], [422, 1, 'GpgKey', 'armored_public_key', 'custom']);
    const missing = await t.api.post('/user/gpg_keys', { token: gpgToken, body: { name: 'no key' } });
    assert.deepEqual([missing.status, missing.json.errors?.[0]?.field], [422, 'armored_public_key'], missing.text);
    const readOnly = (await createClassicToken(t, alice, { scopes: ['read:gpg_key'] })).token;
    assert.equal((await t.api.post('/user/gpg_keys', { token: readOnly, body: { armored_public_key: ARMORED_GPG_KEY } })).status, 403);
    assert.deepEqual((await t.api.get('/user/gpg_keys', { token: gpgToken })).json, []);
  });

  it('gh gist create of a file with several lines: the 404 naming gists (a request that reaches no route is not read as input)', async () => {
    const file = path.join(ghEnv.dir, 'notes.txt');
    await writeFile(file, 'line one\nline two\n');
    const r = await runGh(['gist', 'create', file], env);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /Failed to create gist: HTTP 404: Not Found: Tessera has no gists \(/, r.stderr);
    const direct = await t.api.post('/gists', { token: alice.token, body: { files: { 'a.txt': { content: 'a\u0000b\n' } } } });
    assert.deepEqual([direct.status, direct.json.message], [404, 'Not Found: Tessera has no gists']);
  });
});

/** A real armored OpenPGP public key (ed25519, a test identity); Tessera reads none of it. */
const ARMORED_GPG_KEY = `-----BEGIN PGP PUBLIC KEY BLOCK-----

mDMEaxPZrRYJKwYBBAHaRw8BAQdAmoS2rfybgYz7GRM5+pWXIITrvadNSKW6i4Ey
jvqQAuO0ElQgPHRAZXhhbXBsZS50ZXN0PoiWBBMWCAA+FiEEckHBB6TIsXmbQjEL
g/O3Mf8rKq4FAmsT2a0CGwMFCQABUYAFCwkIBwIGFQoJCAsCBBYCAwECHgECF4AA
CgkQg/O3Mf8rKq5s3QD+KspS5OWft3BqTqIvaiQHx3xuKqwkbTIvKiP3fSw6QTYB
AM9ah9/iBFoAdxfaY+4mEkH1rqTpu7zIqv3UylOxdUcE
=tDzz
-----END PGP PUBLIC KEY BLOCK-----
`;
