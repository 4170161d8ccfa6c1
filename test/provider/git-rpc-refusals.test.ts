// A git request refused at its RPC (POST git-upload-pack / git-receive-pack) after its info/refs
// went through, with the real git client: the token revoked, the repository deleted, access lost,
// the database busy in between; and an RPC that comes once the provider is stopping (a team server
// that lost its serving lock refuses every request, 503). git shows no body of an RPC answered with an HTTP error (only
// "error: RPC failed; HTTP NNN"), so the provider says these in git's protocol ("remote: …",
// "fatal: remote error: …"); a 401 stays a 401, which makes git tell its credential helper to
// forget the token (`erase`).
//
// "In between" is made certain with git's own credential helper: git asks it to `store` the
// credentials once info/refs has succeeded and before it sends the RPC; the helper here stops there
// until the test, having changed things, lets it go.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as os from 'node:os';
import { git, hermeticGitEnv, runGit } from '../../bench/git-https/git-client';
import { DATABASE_BUSY_MESSAGE } from '../../src/provider/http/error-handler';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { newSession } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import type { TestUser } from '../builders/users';
import { holdWriteLock } from './helpers/database-access';
import { useGitFixture, type GitProvider } from './helpers/git-fixture';
import { startInProcessProvider, type InProcessProvider } from './helpers/in-process-provider';
import { RequestHolds, until } from './helpers/request-holds';

describe('git: an RPC refused after its info/refs went through (real git)', function () {
  this.timeout(60_000);
  const f = useGitFixture('tessera-git-rpc-refusals-');
  let tmp: string;
  let p: GitProvider;
  let env: NodeJS.ProcessEnv;
  let alice: TestUser;
  let bob: TestUser;
  let seq = 0;
  before(() => ({ tmp, p, env, alice, bob } = f));
  const { createRepo, url, cloneTo, commitAndPush, serverHead } = f;
  const asAlice = () => ({ basic: { login: alice.login, password: alice.password } });

  before(async () => {
    await createOrg(p, alice, 'acme');
    await addMember(p, 'acme', alice, bob);
  });

  /** A repository of `owner` with one commit, and a token that may push to it. */
  async function seeded(repo: string, owner: TestUser = alice): Promise<{ token: string; id: number }> {
    const [org, name] = repo.split('/');
    await createRepo(alice, name, true, org === alice.login ? undefined : org);
    const t = await createClassicToken(p, owner, { name: `rpc-${++seq}`, scopes: ['repo'] });
    const c = await cloneTo(t.token, repo);
    assert.equal(c.code, 0, c.stderr);
    const push = await commitAndPush(c.dir, `seed ${repo}`);
    assert.equal(push.code, 0, push.stderr);
    return { token: t.token, id: t.id };
  }

  /**
   * Runs git with a credential helper that holds it between info/refs and the RPC; `meanwhile`
   * runs there. Returns git's result (its stderr without the token) and whether git asked the
   * helper to erase the credentials (what it does to credentials a server refused with 401).
   */
  async function gitWithChangeBeforeRpc(args: string[], cwd: string | undefined, token: string, meanwhile: () => Promise<void>, extraEnv: NodeJS.ProcessEnv = {}) {
    const dir = path.join(tmp, `pause-${++seq}`);
    await fsp.mkdir(dir);
    const go = path.join(dir, 'go');
    await promisify(execFile)('mkfifo', [go]);
    const helper = path.join(dir, 'helper.sh');
    await fsp.writeFile(
      helper,
      '#!/bin/sh\ncase "$1" in\n' +
        `  store) cat >/dev/null; if [ ! -e '${dir}/paused' ]; then : > '${dir}/paused'; read line < '${go}'; fi ;;\n` +
        `  erase) cat > '${dir}/erased' ;;\n` +
        '  *) cat >/dev/null ;;\nesac\n',
      { mode: 0o700 },
    );
    const running = runGit(['-c', `credential.helper=${helper}`, ...args], { cwd, env: { ...env, ...extraEnv } });
    let exited = false;
    void running.then(() => (exited = true));
    await until(() => exited || existsSync(path.join(dir, 'paused')));
    assert.ok(!exited, 'git stopped between info/refs and the RPC');
    try {
      await meanwhile();
    } finally {
      await fsp.writeFile(go, 'go\n');
    }
    const r = await running;
    const erased = await fsp.readFile(path.join(dir, 'erased'), 'utf8').then(
      () => true,
      () => false,
    );
    return { ...r, stderr: r.stderr.replaceAll(token, '***'), erased };
  }

  /** The request body bytes curl sent, by git's curl trace (GIT_TRACE_CURL): its "=> Send data, N bytes" lines. */
  function sentBodyBytes(trace: string): number {
    let sent = 0;
    for (const m of trace.matchAll(/=> Send data, (\d+) bytes/g)) sent += Number(m[1]);
    return sent;
  }

  /** A clone of `repo` with one more commit to push (`bigBytes`: a file that makes git send its pack in chunks, after a probe). */
  async function pendingPush(repo: string, token: string, bigBytes = 0): Promise<string> {
    const c = await cloneTo(token, repo);
    assert.equal(c.code, 0, c.stderr);
    await fsp.writeFile(path.join(c.dir, `change-${++seq}.bin`), bigBytes ? crypto.randomBytes(bigBytes) : `change ${seq}\n`);
    await git(['add', '-A'], { cwd: c.dir, env });
    await git(['commit', '-q', '-m', 'pending'], { cwd: c.dir, env });
    return c.dir;
  }

  it('a push whose token is revoked meanwhile: still a 401 (git says "RPC failed; HTTP 401") so that git tells its credential helper to erase the token', async () => {
    const t = await seeded('alice/revoked-meanwhile');
    const dir = await pendingPush('alice/revoked-meanwhile', t.token);
    const before = await serverHead('alice', 'revoked-meanwhile');
    const r = await gitWithChangeBeforeRpc(['push', url(t.token, 'alice/revoked-meanwhile'), 'HEAD:main'], dir, t.token, async () => {
      const del = await p.api.call('DELETE', `/user/personal-access-tokens/${t.id}`, asAlice());
      assert.equal(del.status, 204, del.text);
    });
    assert.notEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /^error: RPC failed; HTTP 401 /m, r.stderr);
    assert.ok(r.erased, `git asked its credential helper to erase the refused token: ${r.stderr}`);
    assert.equal(await serverHead('alice', 'revoked-meanwhile'), before);
  });

  it("a push (its pack in chunks, after git's probe) to a repository deleted meanwhile: git shows 'remote: Repository … not found'; the token is not erased", async () => {
    const t = await seeded('alice/deleted-meanwhile');
    const dir = await pendingPush('alice/deleted-meanwhile', t.token, 2 * 1024 * 1024);
    const r = await gitWithChangeBeforeRpc(['push', url(t.token, 'alice/deleted-meanwhile'), 'HEAD:main'], dir, t.token, async () => {
      const del = await p.api.call('DELETE', '/repos/alice/deleted-meanwhile', asAlice());
      assert.equal(del.status, 204, del.text);
    }, { GIT_TRACE_CURL: '1', GIT_TRACE_CURL_NO_DATA: '1' });
    assert.match(r.stderr, /Transfer-Encoding: chunked/i, 'git sent its pack in chunks');
    assert.notEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /^remote: Repository 'alice\/deleted-meanwhile' not found, or token 'rpc-\d+' may not access it$/m, r.stderr);
    assert.doesNotMatch(r.stderr, /RPC failed/, r.stderr);
    assert.ok(!r.erased, 'the token still works: git keeps it');
  });

  it("a push of a pack of many MiB refused meanwhile (access lost): git shows the refusal first and stops sending its pack (the answer ends the connection once 4 MiB more came)", async () => {
    const t = await seeded('acme/large-refused', bob);
    const packBytes = 16 * 1024 * 1024;
    const dir = await pendingPush('acme/large-refused', t.token, packBytes);
    const before = await serverHead('acme', 'large-refused');
    const trace = path.join(tmp, `large-refused-${++seq}.trace`);
    try {
      const r = await gitWithChangeBeforeRpc(['push', url(t.token, 'acme/large-refused'), 'HEAD:main'], dir, t.token, () =>
        setPolicy(p, 'acme', alice, { classic_tokens: 'restricted' }),
      { GIT_TRACE_CURL: trace });
      assert.notEqual(r.code, 0, r.stderr);
      // The refusal is git's first word on it (git's own "RPC failed; curl 18 …" comes after).
      const shown = r.stderr.split('\n').filter((l) => !/^\d\d:\d\d:\d\d\.\d+ /.test(l));
      assert.match(shown[0], /^remote: token 'rpc-\d+' may not push to acme\/large-refused: The 'acme' organization forbids access with classic personal access tokens/, r.stderr);
      assert.ok(!r.erased);
      // What curl sent of the push's body (git's curl trace): far from the whole pack.
      const sent = sentBodyBytes(await fsp.readFile(trace, 'utf8'));
      assert.ok(sent < packBytes / 2, `git sent ${sent} bytes of a ${packBytes}-byte pack`);
    } finally {
      await setPolicy(p, 'acme', alice, { classic_tokens: 'allowed' });
    }
    assert.equal(await serverHead('acme', 'large-refused'), before);
  });

  it("a push refused meanwhile by the organization's policy (classic tokens restricted): git shows the policy", async () => {
    const t = await seeded('acme/policy-meanwhile', bob);
    const dir = await pendingPush('acme/policy-meanwhile', t.token);
    const before = await serverHead('acme', 'policy-meanwhile');
    try {
      const r = await gitWithChangeBeforeRpc(['push', url(t.token, 'acme/policy-meanwhile'), 'HEAD:main'], dir, t.token, () =>
        setPolicy(p, 'acme', alice, { classic_tokens: 'restricted' }),
      );
      assert.notEqual(r.code, 0, r.stderr);
      assert.match(r.stderr, /^remote: token 'rpc-\d+' may not push to acme\/policy-meanwhile: The 'acme' organization forbids access with classic personal access tokens/m, r.stderr);
      assert.doesNotMatch(r.stderr, /RPC failed/, r.stderr);
      assert.ok(!r.erased);
    } finally {
      await setPolicy(p, 'acme', alice, { classic_tokens: 'allowed' });
    }
    assert.equal(await serverHead('acme', 'policy-meanwhile'), before);
  });

  it("a clone (protocol v2) of a repository deleted meanwhile: git shows 'fatal: remote error: Repository … not found'", async () => {
    const t = await seeded('alice/gone-before-fetch');
    const target = path.join(tmp, `clone-gone-${++seq}`);
    const r = await gitWithChangeBeforeRpc(['clone', url(t.token, 'alice/gone-before-fetch'), target], undefined, t.token, async () => {
      const del = await p.api.call('DELETE', '/repos/alice/gone-before-fetch', asAlice());
      assert.equal(del.status, 204, del.text);
    });
    assert.notEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /^fatal: remote error: Repository 'alice\/gone-before-fetch' not found, or token 'rpc-\d+' may not access it$/m, r.stderr);
    assert.doesNotMatch(r.stderr, /RPC failed/, r.stderr);
  });

  it('a fetch (protocol v0) whose access is lost meanwhile (403): git shows why', async () => {
    const t = await seeded('acme/lost-before-fetch', bob);
    const c = await cloneTo(t.token, 'acme/lost-before-fetch');
    assert.equal(c.code, 0, c.stderr);
    // A commit the clone lacks, so that the fetch has something to ask for.
    const other = await cloneTo(t.token, 'acme/lost-before-fetch');
    assert.equal((await commitAndPush(other.dir, 'newer')).code, 0);
    try {
      const r = await gitWithChangeBeforeRpc(['-c', 'protocol.version=0', 'fetch', url(t.token, 'acme/lost-before-fetch'), 'main'], c.dir, t.token, () =>
        setPolicy(p, 'acme', alice, { classic_tokens: 'restricted' }),
      );
      assert.notEqual(r.code, 0, r.stderr);
      assert.match(r.stderr, /^fatal: remote error: token 'rpc-\d+' may not fetch from acme\/lost-before-fetch: The 'acme' organization forbids access with classic personal access tokens/m, r.stderr);
      assert.doesNotMatch(r.stderr, /RPC failed/, r.stderr);
    } finally {
      await setPolicy(p, 'acme', alice, { classic_tokens: 'allowed' });
    }
  });

  it('a push whose RPC finds the database busy (503): git shows the message, not "RPC failed; HTTP 503"', async () => {
    const t = await seeded('alice/busy-meanwhile');
    const dir = await pendingPush('alice/busy-meanwhile', t.token);
    const before = await serverHead('alice', 'busy-meanwhile');
    let release: (() => Promise<void>) | undefined;
    try {
      const r = await gitWithChangeBeforeRpc(['push', url(t.token, 'alice/busy-meanwhile'), 'HEAD:main'], dir, t.token, async () => {
        // A minute on, the RPC's authentication writes the token's last_used_at: it waits for the lock.
        p.clock.advance(2 * 60_000);
        release = await holdWriteLock(p);
      });
      assert.notEqual(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`^remote: ${DATABASE_BUSY_MESSAGE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), r.stderr);
      assert.doesNotMatch(r.stderr, /RPC failed/, r.stderr);
      assert.ok(!r.erased);
    } finally {
      await release?.();
    }
    assert.equal(await serverHead('alice', 'busy-meanwhile'), before);
  });
});

describe('git: an RPC that arrives while the provider is stopping (real git)', function () {
  this.timeout(60_000);
  const holds = new RequestHolds();
  let stopping: string | undefined;
  let t: InProcessProvider;
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  let seq = 0;
  before(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'tessera-git-rpc-stopping-'));
    await fsp.mkdir(path.join(tmp, 'home'));
    env = hermeticGitEnv(path.join(tmp, 'home'), undefined);
    // A team server that lost its serving lock refuses every request from then on (app.ts refuseAll).
    t = await startInProcessProvider({ routes: [holds.install], refuseAll: () => stopping });
  });
  after(async () => {
    await t?.close();
    if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
  });

  /** Runs git; its info/refs (`service`) is held until the provider is stopping, so that its RPC comes after. */
  async function rpcWhileStopping(service: 'upload-pack' | 'receive-pack', args: string[], cwd: string | undefined) {
    const h = holds.hold((r) => r.method === 'GET' && r.url.endsWith(`/info/refs?service=git-${service}`));
    try {
      const running = runGit(args, { cwd, env });
      await until(() => h.arrived === 1);
      stopping = "the database's serving lock was lost: this server stops";
      h.release();
      return await running;
    } finally {
      h.release();
      stopping = undefined;
    }
  }

  async function repoWithCommit(name: string): Promise<{ remote: string; dir: string }> {
    const s = await newSession(t);
    await createRepo(t, s.user, undefined, name, true);
    const remote = t.provider.url.replace('http://', `http://git:${s.token}@`) + `/${s.user.login}/${name}.git`;
    const dir = path.join(tmp, `clone-${++seq}`);
    await git(['clone', '-q', remote, dir], { env });
    await fsp.writeFile(path.join(dir, 'a.txt'), 'a\n');
    await git(['add', '-A'], { cwd: dir, env });
    await git(['commit', '-q', '-m', 'first'], { cwd: dir, env });
    return { remote, dir };
  }

  it("a push: git shows 'remote: This server is stopping: …', not 'RPC failed; HTTP 503'", async () => {
    const { dir } = await repoWithCommit('push-stopping');
    const r = await rpcWhileStopping('receive-pack', ['push', 'origin', 'HEAD:main'], dir);
    assert.notEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /^remote: This server is stopping: the database's serving lock was lost: this server stops$/m, r.stderr);
    assert.doesNotMatch(r.stderr, /RPC failed/, r.stderr);
  });

  it("a clone: git shows 'fatal: remote error: This server is stopping: …'", async () => {
    const { dir } = await repoWithCommit('clone-stopping');
    assert.equal((await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: dir, env })).code, 0);
    const remote = (await git(['remote', 'get-url', 'origin'], { cwd: dir, env })).trim();
    const r = await rpcWhileStopping('upload-pack', ['clone', remote, path.join(tmp, `clone-${++seq}`)], undefined);
    assert.notEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /^fatal: remote error: This server is stopping: the database's serving lock was lost: this server stops$/m, r.stderr);
    assert.doesNotMatch(r.stderr, /RPC failed/, r.stderr);
  });
});
