// A repository's default branch and its commit through GraphQL (`defaultBranchRef { target {
// ... on Commit { oid … } } }`), as gh and scripts ask for it: a repository pushed with a real
// `git push`, read with `gh api graphql` and with a plain POST; an empty repository's is null and
// a private repository another user cannot read stays NOT_FOUND; a token that reads the repository but
// not its contents (REST's branches) reads neither the branch nor whether there is one.
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { runGit } from '../../bench/git-https/git-client';
import { ensureGh, GhEnvironment, ghEnvironment, runGh } from './helpers/gh';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken, createFineGrainedToken } from '../builders/tokens';
import { startTestProvider, TestProvider } from './helpers/provider';

const QUERY = `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) {
  defaultBranchRef { name prefix target { __typename oid abbreviatedOid ... on Commit { committedDate messageHeadline message } } } } }`;

describe('GraphQL defaultBranchRef.target (Commit) from a real push', function () {
  this.timeout(120_000);
  let t: TestProvider;
  let alice: Session;
  let token: string;
  let ghEnv: GhEnvironment;
  let head: string;

  const gh = async (args: string[], cwd?: string): Promise<string> => {
    const r = await runGh(args, ghEnv.env, cwd ? { cwd } : {});
    assert.equal(r.status, 0, `gh ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const post = async (bearer: string, name: string) =>
    (await t.api.post(`${t.provider.url}/api/graphql`, { token: bearer, body: { query: QUERY, variables: { owner: alice.user.login, name } } })).json;

  before(async function () {
    this.timeout(600_000);
    ensureGh();
    t = await startTestProvider({ tls: 'auto' });
    alice = await newSession(t);
    token = (await createClassicToken(t, alice, { scopes: ['repo', 'read:org'] })).token;
    ghEnv = await ghEnvironment(t.provider, token);
    await gh(['repo', 'create', 'pushed', '--private']);
    await gh(['repo', 'create', 'blank', '--private']);
    const work = path.join(ghEnv.dir, 'pushed-work');
    await mkdir(work);
    const env = { ...ghEnv.env, GIT_COMMITTER_DATE: '2024-03-04T05:06:07Z' };
    const helper = ['-c', 'credential.helper=', '-c', 'credential.helper=!gh auth git-credential'];
    for (const args of [
      ['init', '-q', '-b', 'main'],
      ['commit', '-q', '--allow-empty', '-m', 'First line of the commit', '-m', 'Its body,\nover two lines.'],
      [...helper, 'push', '-q', `${t.provider.url}/${alice.user.login}/pushed.git`, 'main'],
    ]) {
      const r = await runGit(args, { cwd: work, env });
      assert.equal(r.code, 0, `git ${args.join(' ')}: ${r.stderr}`);
    }
    head = (await runGit(['rev-parse', 'HEAD'], { cwd: work, env })).stdout.trim();
  });
  after(async () => {
    await t?.close();
    await ghEnv?.dispose();
  });

  const expected = () => ({
    name: 'main',
    prefix: 'refs/heads/',
    target: {
      __typename: 'Commit',
      oid: head,
      abbreviatedOid: head.slice(0, 7),
      committedDate: '2024-03-04T05:06:07Z', // GitHub's DateTime, to the second, as createdAt
      messageHeadline: 'First line of the commit',
      message: 'First line of the commit\n\nIts body,\nover two lines.',
    },
  });

  it('gh api graphql reads the pushed commit', async () => {
    const out = JSON.parse(await gh(['api', 'graphql', '-f', `query=${QUERY}`, '-f', `owner=${alice.user.login}`, '-f', 'name=pushed']));
    assert.deepEqual(out, { data: { repository: { defaultBranchRef: expected() } } });
  });

  it('a plain POST reads the same; an empty repository has no defaultBranchRef', async () => {
    assert.deepEqual(await post(token, 'pushed'), { data: { repository: { defaultBranchRef: expected() } } });
    assert.deepEqual(await post(token, 'blank'), { data: { repository: { defaultBranchRef: null } } });
  });

  it("another user's token cannot read the private repository's commit: NOT_FOUND", async () => {
    const bob = await newSession(t);
    const bobToken = (await createClassicToken(t, bob, { scopes: ['repo'] })).token;
    const answer = await post(bobToken, 'pushed');
    assert.equal(answer.data?.repository ?? null, null);
    assert.deepEqual(answer.errors?.map((e: { type: string }) => e.type), ['NOT_FOUND']);
  });

  it("a token that reads the repository but not its contents gets neither its branches nor whether it has any, as REST's branches refuse them", async () => {
    const { id } = (await t.api.get(`/repos/${alice.user.login}/pushed`, { token })).json;
    const blankId = (await t.api.get(`/repos/${alice.user.login}/blank`, { token })).json.id;
    const metadataOnly = await createFineGrainedToken(t, alice, { repository_selection: 'subset', repositories: [id, blankId], permissions: { repository: { metadata: 'read' } } });
    const adminToken = await createClassicToken(t, alice, { scopes: ['admin:token'] });
    const isEmptyQuery = `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { name isEmpty } }`;
    const errorsOf = (answer: { errors?: { type: string; message: string; path: unknown }[] }) => answer.errors?.map((e) => [e.type, e.message, e.path]);
    for (const [who, bearer, type] of [
      ['fine-grained metadata: read', metadataOnly.token, 'FORBIDDEN'],
      ['classic admin:token', adminToken.token, 'INSUFFICIENT_SCOPES'],
    ] as const) {
      for (const name of ['pushed', 'blank']) {
        // REST: the repository (its default branch's name included), not its branches.
        const repo = await t.api.get(`/repos/${alice.user.login}/${name}`, { token: bearer });
        assert.deepEqual([repo.status, repo.json.default_branch], [200, 'main'], `${who}: ${repo.text}`);
        const rest = await t.api.get(`/repos/${alice.user.login}/${name}/branches`, { token: bearer });
        assert.equal(rest.status, 403, `${who}: ${rest.text}`);
        // GraphQL: the same answer for a pushed and an empty repository, each field under its REST route's requirement.
        const answer = await post(bearer, name);
        assert.deepEqual(answer.data, { repository: { defaultBranchRef: null } }, `${who} ${name}`);
        assert.deepEqual(errorsOf(answer), [[type, rest.json.message, ['repository', 'defaultBranchRef']]], `${who} ${name}`);
        const empty = (await t.api.post(`${t.provider.url}/api/graphql`, { token: bearer, body: { query: isEmptyQuery, variables: { owner: alice.user.login, name } } })).json;
        assert.deepEqual(empty.data, { repository: null }, `${who} ${name}: isEmpty is non-null, so its error nulls the repository`);
        assert.deepEqual(errorsOf(empty), [[type, rest.json.message, ['repository', 'isEmpty']]], `${who} ${name}`);
        const named = (await t.api.post(`${t.provider.url}/api/graphql`, { token: bearer, body: { query: `{ repository(owner: "${alice.user.login}", name: "${name}") { name } }` } })).json;
        assert.deepEqual(named, { data: { repository: { name } } }, `${who} ${name}: the repository itself, as GET /repos/{owner}/{repo}`);
      }
    }
  });

  it('aliases do not multiply git reads: a commit asked for many times in one query is read once', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `c${i}: defaultBranchRef { target { oid } }`).join(' ');
    const query = `query($owner: String!) { a: repository(owner: $owner, name: "pushed") { ${aliases} } b: repository(owner: $owner, name: "pushed") { ${aliases} } }`;
    // Node reports every child process it makes on this channel (before it is spawned: its arguments are read after).
    const spawned: ChildProcess[] = [];
    const onSpawn = (message: unknown) => spawned.push((message as { process: ChildProcess }).process);
    diagnosticsChannel.subscribe('child_process', onSpawn);
    let answer;
    try {
      answer = (await t.api.post(`${t.provider.url}/api/graphql`, { token, body: { query, variables: { owner: alice.user.login } } })).json;
    } finally {
      diagnosticsChannel.unsubscribe('child_process', onSpawn);
    }
    const catFiles = spawned.map((c) => c.spawnargs).filter((args) => args.includes('cat-file'));
    assert.equal(answer.errors, undefined);
    const oids = ['a', 'b'].flatMap((r) => Object.values(answer.data[r] as Record<string, { target: { oid: string } }>).map((ref) => ref.target.oid));
    assert.deepEqual(oids, Array(80).fill(head));
    assert.equal(catFiles.length, 1, 'git cat-file runs for the query');
  });

  it('gh repo view --json defaultBranchRef names the branch', async () => {
    assert.deepEqual(JSON.parse(await gh(['repo', 'view', `${alice.user.login}/pushed`, '--json', 'defaultBranchRef'])), { defaultBranchRef: { name: 'main' } });
  });
});
