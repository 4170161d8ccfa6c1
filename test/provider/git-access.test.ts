// Git over HTTPS through the real provider (Fastify app, SQLite store, authorization layer, local
// CA) with the real git client: who may clone, fetch and push, and what git tells the user when
// not. Tokens are made through the API; git gets them as the Basic password.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { git, runGit } from '../../bench/git-https/git-client';
import { generateRepository } from '../../bench/git-https/generate-repo';
import { DATABASE_BUSY_MESSAGE } from '../../src/provider/http/error-handler';
import type { TestUser } from '../builders/users';
import { createClassicToken } from '../builders/tokens';
import { holdWriteLock } from './helpers/database-access';
import { useGitFixture, type GitProvider } from './helpers/git-fixture';

describe('git over HTTPS through the provider (real git, tokens, authorization)', function () {
  this.timeout(60_000);
  const f = useGitFixture('tessera-git-access-');
  let tmp: string;
  let p: GitProvider;
  let env: NodeJS.ProcessEnv;
  let alice: TestUser;
  let bob: TestUser;
  let seq = 0;
  before(() => ({ tmp, p, env, alice, bob } = f));
  const { createRepo, fineGrained, url, cloneTo, commitAndPush, serverHead } = f;
  before(async () => {
    await createRepo(alice, 'site', true);
    await createRepo(alice, 'other', true);
    await createRepo(alice, 'docs', false);
    // Seed alice/site and alice/docs with a commit, pushed with a classic `repo` token.
    const seed = await createClassicToken(p, alice, { name: 'seed', scopes: ['repo'] });
    for (const repo of ['alice/site', 'alice/docs']) {
      const c = await cloneTo(seed.token, repo);
      assert.equal(c.code, 0, c.stderr);
      const push = await commitAndPush(c.dir, `seed ${repo}`);
      assert.equal(push.code, 0, push.stderr);
    }
  });

  it('a database another connection holds past the busy timeout: 503 with Retry-After and a message git shows, not a 500', async () => {
    const t = await createClassicToken(p, alice, { name: 'busy', scopes: ['repo'] });
    const release = await holdWriteLock(p);
    let res;
    let clone;
    try {
      // A new token's first use writes last_used_at, and a clone is audited: both need the lock.
      res = await p.api.call('GET', `${p.url}/alice/site.git/info/refs?service=git-upload-pack`, { basic: { login: 'git', password: t.token }, headers: { accept: '*/*' } });
      clone = await cloneTo(t.token, 'alice/site');
    } finally {
      await release();
    }
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    assert.equal(res.text.trim(), DATABASE_BUSY_MESSAGE);
    assert.notEqual(clone.code, 0);
    assert.match(clone.stderr, /database is busy/, clone.stderr);
    const again = await cloneTo(t.token, 'alice/site');
    assert.equal(again.code, 0, again.stderr);
  });

  it('fine-grained contents:read clones and fetches; its push fails naming the missing permission', async () => {
    const t = await fineGrained(alice, { name: 'ci-read', repository_selection: 'subset', repositories: ['site'], permissions: { repository: { contents: 'read' } } });
    const c = await cloneTo(t.token, 'alice/site');
    assert.equal(c.code, 0, c.stderr);
    const fetch = await runGit(['fetch', 'origin'], { cwd: c.dir, env });
    assert.equal(fetch.code, 0, fetch.stderr);
    const before = await serverHead('alice', 'site');
    const push = await commitAndPush(c.dir, 'read-only push');
    assert.notEqual(push.code, 0);
    assert.match(push.stderr, /remote: token 'ci-read' lacks contents:write on alice\/site \(.*\): give the token contents:write, or use a token that has it as the password/);
    assert.equal(await serverHead('alice', 'site'), before);
  });

  it('info/refs with a repeated or unknown service: 400 before the repository is looked up, never the receive-pack advertisement to a read-only token; an RPC of another content type: 415', async () => {
    const t = await fineGrained(alice, { name: 'ci-read-twice', repository_selection: 'subset', repositories: ['site'], permissions: { repository: { contents: 'read' } } });
    const refs = (query: string) => p.api.call('GET', `${p.url}/alice/site.git/info/refs?${query}`, { basic: { login: 'git', password: t.token }, headers: { accept: '*/*' } });
    for (const query of ['service=git-upload-pack&service=git-receive-pack', 'service=git-receive-pack&service=git-upload-pack']) {
      const res = await refs(query);
      assert.equal(res.status, 400, `${query}: ${res.status} ${res.headers.get('content-type')}`);
      assert.equal(res.text, 'the service parameter must be given once\n');
    }
    const anonymous = await p.api.call('GET', `${p.url}/alice/site.git/info/refs?service=git-upload-pack&service=git-receive-pack`, { headers: { accept: '*/*' } });
    assert.equal(anonymous.status, 400, 'refused before authorization: no challenge for a request git cannot be asked');
    const unknown = await refs('service=constructor');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.text, "unknown git service 'constructor'\n");
    // Anything else in the query never reaches git: it advertises the one validated service.
    const upload = await refs('service=git-upload-pack&x=1');
    assert.equal(upload.status, 200, upload.text);
    assert.equal(upload.headers.get('content-type'), 'application/x-git-upload-pack-advertisement');
    assert.equal((await refs('service=git-receive-pack')).status, 403, 'the read-only token may not ask for receive-pack');
    // An RPC without git's content type is refused by the provider (JSON when asked), not by git.
    const rpc = await p.api.call('POST', `${p.url}/alice/site.git/git-upload-pack`, { basic: { login: 'git', password: t.token }, raw: '0000', contentType: 'text/plain' });
    assert.equal(rpc.status, 415);
    assert.equal(rpc.json.message, 'Unsupported Media Type: git-upload-pack needs Content-Type application/x-git-upload-pack-request');
  });

  it('a refusal git prints to the terminal carries no control character the request chose (repository path, service)', async () => {
    const t = await fineGrained(alice, { name: 'ci-escapes', repository_selection: 'subset', repositories: ['site'], permissions: { repository: { contents: 'read' } } });
    const control = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
    const anonymous = await p.api.call('GET', `${p.url}/%1b%5b31mevil%0d/site.git/info/refs?service=git-upload-pack`, { headers: { accept: '*/*' } });
    assert.equal(anonymous.status, 401);
    assert.doesNotMatch(anonymous.text, control, JSON.stringify(anonymous.text));
    assert.equal(anonymous.text, 'Authentication required for \\x1b[31mevil /site: use a personal access token as the password\n');
    const service = await p.api.call('GET', `${p.url}/alice/site.git/info/refs?service=git-%0d%1b%5b2J`, { basic: { login: 'git', password: t.token }, headers: { accept: '*/*' } });
    assert.equal(service.status, 400);
    assert.equal(service.text, "unknown git service 'git- \\x1b[2J'\n");
  });

  it('fine-grained contents:write clones and pushes', async () => {
    const t = await fineGrained(alice, { name: 'ci-write', repository_selection: 'subset', repositories: ['site'], permissions: { repository: { contents: 'write' } } });
    const c = await cloneTo(t.token, 'alice/site');
    assert.equal(c.code, 0, c.stderr);
    const push = await commitAndPush(c.dir, 'fine-grained push');
    assert.equal(push.code, 0, push.stderr);
    assert.equal(await serverHead('alice', 'site'), (await git(['rev-parse', 'HEAD'], { cwd: c.dir, env })).trim());
  });

  it('fine-grained for another repository: the private one is not found for it', async () => {
    const t = await fineGrained(alice, { name: 'other-only', repository_selection: 'subset', repositories: ['other'], permissions: { repository: { contents: 'write' } } });
    const c = await cloneTo(t.token, 'alice/site');
    assert.notEqual(c.code, 0);
    assert.match(c.stderr, /remote: Repository 'alice\/site' not found, or token 'other-only' may not access it/);
    assert.match(c.stderr, /fatal: repository '.*' not found/);
    // It still reads public repositories (every token does), but may not push to them.
    const pub = await cloneTo(t.token, 'alice/docs');
    assert.equal(pub.code, 0, pub.stderr);
    const push = await commitAndPush(pub.dir, 'not selected');
    assert.notEqual(push.code, 0);
    assert.match(push.stderr, /remote: token 'other-only' may not push to alice\/docs: .*'alice\/docs' is not among the token's repositories/);
  });

  it('fine-grained for another repository without contents: the private one is not found either (the missing permission does not tell it exists)', async () => {
    const t = await fineGrained(alice, { name: 'no-contents', repository_selection: 'subset', repositories: ['other'], permissions: {} });
    for (const repo of ['alice/site', 'alice/missing']) {
      const c = await cloneTo(t.token, repo);
      assert.notEqual(c.code, 0);
      assert.match(c.stderr, new RegExp(`remote: Repository '${repo}' not found, or token 'no-contents' may not access it`), c.stderr);
      assert.doesNotMatch(c.stderr, /lacks contents/);
    }
  });

  it("classic `repo` clones and pushes; without `repo` a private repository is not found, as a missing one (the hint names the token's scopes), and `public_repo` pushes to a public one", async () => {
    const repo = await createClassicToken(p, alice, { name: 'classic-repo', scopes: ['repo'] });
    const c = await cloneTo(repo.token, 'alice/site');
    assert.equal(c.code, 0, c.stderr);
    assert.equal((await commitAndPush(c.dir, 'classic push')).code, 0);

    const pub = await createClassicToken(p, alice, { name: 'classic-public', scopes: ['public_repo', 'read:org'] });
    const none = await createClassicToken(p, alice, { name: 'classic-none', scopes: [] });
    for (const [token, hint] of [
      [pub.token, "token 'classic-public' may not access it \\(its scopes \\(public_repo, read:org\\) reach public repositories only"],
      [none.token, "token 'classic-none' may not access it \\(it has no scopes, so it reaches public repositories only"],
    ]) {
      const stderrs: string[] = [];
      for (const name of ['site', 'missing']) {
        const denied = await cloneTo(token, `alice/${name}`);
        assert.notEqual(denied.code, 0);
        assert.match(denied.stderr, new RegExp(`remote: Repository 'alice/${name}' not found, or ${hint}: add the repo scope to the token, or use a token that has it as the password\\)`), denied.stderr);
        assert.match(denied.stderr, /fatal: repository '.*' not found/);
        stderrs.push(denied.stderr.split('\n').filter((l) => l.startsWith('remote:')).join('\n').replace(`alice/${name}`, 'alice/NAME'));
      }
      assert.equal(stderrs[0], stderrs[1], 'the private repository answers as a missing one');
    }
    const docs = await cloneTo(pub.token, 'alice/docs');
    assert.equal(docs.code, 0, docs.stderr);
    const push = await commitAndPush(docs.dir, 'public_repo push');
    assert.equal(push.code, 0, push.stderr);

    const noScopePush = await commitAndPush((await cloneTo(none.token, 'alice/docs')).dir, 'no scope push');
    assert.notEqual(noScopePush.code, 0);
    assert.match(noScopePush.stderr, /remote: token 'classic-none' lacks the public_repo scope needed to push to alice\/docs: add the public_repo scope to the token, or use a token that has it as the password/);
  });

  it("someone else's token: private repository not found, public one readable but not writable", async () => {
    const t = await createClassicToken(p, bob, { name: 'bob-repo', scopes: ['repo'] });
    const priv = await cloneTo(t.token, 'alice/site');
    assert.notEqual(priv.code, 0);
    assert.match(priv.stderr, /not found/);
    const pub = await cloneTo(t.token, 'alice/docs');
    assert.equal(pub.code, 0, pub.stderr);
    const push = await commitAndPush(pub.dir, 'bob push');
    assert.notEqual(push.code, 0);
    assert.match(push.stderr, /remote: token 'bob-repo' may not push to alice\/docs: Permission to alice\/docs denied to bob/);
  });

  it("passes git's bodies through untouched: a gzip-compressed request (many refs) and a chunked pack", async () => {
    await createRepo(alice, 'many', true);
    const t = await createClassicToken(p, alice, { name: 'bodies', scopes: ['repo'] });
    const local = path.join(tmp, 'many-local.git');
    await git(['init', '--quiet', '--bare', '--initial-branch=main', local], { env });
    await generateRepository(local, { commits: 150, randomBytesPerCommit: 20_000, extraBranches: 120, env });
    await fsp.writeFile(path.join(tmp, 'big.bin'), crypto.randomBytes(3 * 1024 * 1024));
    const push = await runGit(['push', url(t.token, 'alice/many'), 'refs/heads/*:refs/heads/*'], { cwd: local, env });
    assert.equal(push.code, 0, push.stderr);
    // Protocol v0 sends every branch as a want line: well over 1 KiB, so git gzips the request.
    const traced = await runGit(['-c', 'protocol.version=0', 'clone', '--mirror', url(t.token, 'alice/many'), path.join(tmp, 'many-mirror')], {
      env: { ...env, GIT_TRACE_CURL: '1', GIT_TRACE_CURL_NO_DATA: '1' },
    });
    assert.equal(traced.code, 0, traced.stderr);
    assert.match(traced.stderr, /Content-Encoding: gzip/i, 'git sent a gzip-compressed request');
    const branches = (await git(['for-each-ref', '--format=%(refname)', 'refs/heads/'], { cwd: path.join(tmp, 'many-mirror'), env })).trim().split('\n');
    assert.equal(branches.length, 121);
    // A pack bigger than http.postBuffer goes up in chunks (and past the API's 64 KiB body limit).
    const work = path.join(tmp, 'many-work');
    await git(['clone', '-q', url(t.token, 'alice/many'), work], { env });
    await fsp.copyFile(path.join(tmp, 'big.bin'), path.join(work, 'big.bin'));
    await git(['add', 'big.bin'], { cwd: work, env });
    await git(['commit', '-q', '-m', 'big'], { cwd: work, env });
    const big = await runGit(['push', 'origin', 'HEAD:main'], { cwd: work, env: { ...env, GIT_TRACE_CURL: '1', GIT_TRACE_CURL_NO_DATA: '1' } });
    assert.equal(big.code, 0, big.stderr);
    assert.match(big.stderr, /Transfer-Encoding: chunked/i);
    assert.equal(await serverHead('alice', 'many'), (await git(['rev-parse', 'HEAD'], { cwd: work, env })).trim());
  });

  it('missing or wrong credentials: 401 with the Basic challenge; public repositories clone anonymously', async () => {
    const res = await p.api.call('GET', `${p.url}/alice/site.git/info/refs?service=git-upload-pack`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="Tessera"');
    assert.match(res.headers.get('content-type') ?? '', /application\/json/, 'the API client asked for JSON');
    assert.match(res.json.message, /Authentication required for alice\/site/);
    const plain = await p.api.call('GET', `${p.url}/alice/site.git/info/refs?service=git-upload-pack`, { headers: { accept: '*/*' } });
    assert.equal(plain.status, 401);
    assert.match(plain.headers.get('content-type') ?? '', /text\/plain/, 'git (Accept: */*) gets text it prints');
    assert.match(plain.text, /^Authentication required for alice\/site/);
    const noCreds = await cloneTo(undefined, 'alice/site');
    assert.notEqual(noCreds.code, 0);
    assert.match(noCreds.stderr, /could not read Username|terminal prompts disabled/);
    const wrong = await cloneTo('tsp_000000000000000000000000000000000000', 'alice/site');
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /Authentication failed/);
    const missing = await p.api.call('GET', `${p.url}/alice/nope.git/info/refs?service=git-upload-pack`);
    assert.equal(missing.status, 401, 'no credentials: challenge rather than revealing what exists');

    const anon = await cloneTo(undefined, 'alice/docs');
    assert.equal(anon.code, 0, anon.stderr);
    const anonPush = await commitAndPush(anon.dir, 'anonymous push');
    assert.notEqual(anonPush.code, 0);
    assert.match(anonPush.stderr, /could not read Username|Authentication failed/);
  });

  it('a password instead of a token is refused with a message saying to use a token', async () => {
    const r = await runGit(['ls-remote', url(alice.password, 'alice/site', 'alice')], { env });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /remote: Password authentication is not supported for Git operations: use a personal access token/);
  });

  it('expired, revoked and regenerated tokens: refused with the reason; a regenerated secret works', async () => {
    const t = await fineGrained(alice, { name: 'short', repository_selection: 'all', permissions: { repository: { contents: 'write' } }, expires_at: new Date(p.clock.now().getTime() + 86_400_000).toISOString() });
    assert.equal((await runGit(['ls-remote', url(t.token, 'alice/site')], { env })).code, 0);
    p.clock.advance(2 * 86_400_000);
    const expired = await runGit(['ls-remote', url(t.token, 'alice/site')], { env });
    assert.notEqual(expired.code, 0);
    // Which token, and what to do about it.
    const day = new Date(p.clock.now().getTime() - 86_400_000).toISOString().slice(0, 10);
    assert.match(expired.stderr, new RegExp(`remote: token 'short' expired on ${day} \\(alice/site\\): regenerate it or create a new token, and use that as the password`));
    assert.match(expired.stderr, /Authentication failed/);

    const revoked = await createClassicToken(p, alice, { name: 'to-revoke', scopes: ['repo'] });
    assert.equal((await runGit(['ls-remote', url(revoked.token, 'alice/site')], { env })).code, 0);
    const del = await p.api.call('DELETE', `/user/personal-access-tokens/${revoked.id}`, { basic: { login: alice.login, password: alice.password } });
    assert.equal(del.status, 204, del.text);
    const after = await runGit(['ls-remote', url(revoked.token, 'alice/site')], { env });
    assert.notEqual(after.code, 0);
    assert.match(after.stderr, /remote: Bad credentials for alice\/site/);

    const regen = await createClassicToken(p, alice, { name: 'to-regenerate', scopes: ['repo'] });
    const res = await p.api.post(`/user/personal-access-tokens/${regen.id}/regenerate`, { basic: { login: alice.login, password: alice.password }, body: {} });
    assert.equal(res.status, 200, res.text);
    const old = await runGit(['ls-remote', url(regen.token, 'alice/site')], { env });
    assert.notEqual(old.code, 0);
    assert.match(old.stderr, /Bad credentials/);
    const fresh = await runGit(['ls-remote', url(res.json.token, 'alice/site')], { env });
    assert.equal(fresh.code, 0, fresh.stderr);
  });

  it('records git use: last_used_at and git.clone / git.push audit events with the repository', async () => {
    const t = await createClassicToken(p, alice, { name: 'audited', scopes: ['repo'] });
    const c = await cloneTo(t.token, 'alice/site');
    assert.equal(c.code, 0, c.stderr);
    assert.equal((await commitAndPush(c.dir, 'audited push')).code, 0);
    const tok = await p.api.call('GET', `/user/personal-access-tokens/${t.id}`, { basic: { login: alice.login, password: alice.password } });
    assert.equal(tok.status, 200, tok.text);
    assert.ok(tok.json.last_used_at, 'last_used_at is set');
    for (const action of ['git.clone', 'git.push']) {
      const log = await p.api.call('GET', `/user/audit-log?phrase=action:${action}`, { basic: { login: alice.login, password: alice.password } });
      assert.equal(log.status, 200, log.text);
      assert.ok(Array.isArray(log.json), log.text);
      // This token's own event (earlier tests cloned alice/site with other tokens).
      const mine = (log.json as { token_id?: number; repo?: string }[]).filter((e) => e.token_id === t.id);
      assert.equal(mine.length, 1, `one ${action} by this token: ${log.text.slice(0, 300)}`);
      assert.match(JSON.stringify(mine[0]), /alice\/site/);
      const text = JSON.stringify(log.json);
      assert.ok(!text.includes(t.token), 'no secret in the audit log');
    }
  });

  it("git's credential helper answers the challenge (credential.useHttpPath=true)", async () => {
    const t = await fineGrained(alice, { name: 'helper', repository_selection: 'subset', repositories: ['site'], permissions: { repository: { contents: 'write' } } });
    const helper = path.join(tmp, 'credential-helper.sh');
    const askLog = path.join(tmp, 'helper-asked.txt');
    // The git credential protocol: read key=value lines, answer with username/password for `get`.
    await fsp.writeFile(
      helper,
      `#!/bin/sh\n[ "$1" = get ] || exit 0\nwhile IFS= read -r line && [ -n "$line" ]; do echo "$line" >> '${askLog}'; done\n` +
        `printf 'username=x-access-token\\npassword=%s\\n' '${t.token}'\n`,
      { mode: 0o700 },
    );
    const dir = path.join(tmp, `helper-clone-${++seq}`);
    const cfg = ['-c', `credential.helper=${helper}`, '-c', 'credential.useHttpPath=true'];
    const clone = await runGit([...cfg, 'clone', `${p.url}/alice/site.git`, dir], { env });
    assert.equal(clone.code, 0, clone.stderr);
    await fsp.writeFile(path.join(dir, 'helper.txt'), 'via helper\n');
    await git(['add', 'helper.txt'], { cwd: dir, env });
    await git(['commit', '-q', '-m', 'helper push'], { cwd: dir, env });
    const push = await runGit([...cfg, 'push', 'origin', 'HEAD:main'], { cwd: dir, env });
    assert.equal(push.code, 0, push.stderr);
    const asked = await fsp.readFile(askLog, 'utf8');
    assert.match(asked, /^protocol=https$/m);
    assert.match(asked, /^host=127\.0\.0\.1:\d+$/m);
    assert.match(asked, /^path=alice\/site\.git$/m, 'useHttpPath sends the repository path');
  });

  it('GIT_ASKPASS supplies username and token (credential.useHttpPath=true)', async () => {
    const t = await fineGrained(alice, { name: 'askpass', repository_selection: 'subset', repositories: ['site'], permissions: { repository: { contents: 'write' } } });
    const askpass = path.join(tmp, 'askpass.sh');
    const prompts = path.join(tmp, 'askpass-prompts.txt');
    await fsp.writeFile(
      askpass,
      `#!/bin/sh\necho "$1" >> '${prompts}'\ncase "$1" in\n  Username*) echo x-access-token ;;\n  Password*) echo '${t.token}' ;;\nesac\n`,
      { mode: 0o700 },
    );
    const askEnv = { ...env, GIT_ASKPASS: askpass };
    const dir = path.join(tmp, `askpass-clone-${++seq}`);
    const clone = await runGit(['-c', 'credential.useHttpPath=true', 'clone', `${p.url}/alice/site.git`, dir], { env: askEnv });
    assert.equal(clone.code, 0, clone.stderr);
    await fsp.writeFile(path.join(dir, 'askpass.txt'), 'via askpass\n');
    await git(['add', 'askpass.txt'], { cwd: dir, env });
    await git(['commit', '-q', '-m', 'askpass push'], { cwd: dir, env });
    const push = await runGit(['-c', 'credential.useHttpPath=true', 'push', 'origin', 'HEAD:main'], { cwd: dir, env: askEnv });
    assert.equal(push.code, 0, push.stderr);
    const asked = await fsp.readFile(prompts, 'utf8');
    assert.match(asked, /Username for 'https:\/\/127\.0\.0\.1:\d+\/alice\/site\.git'/);
    assert.match(asked, /Password for 'https:\/\/x-access-token@127\.0\.0\.1:\d+\/alice\/site\.git'/);
    assert.equal(await serverHead('alice', 'site'), (await git(['rev-parse', 'HEAD'], { cwd: dir, env })).trim());
  });
});
