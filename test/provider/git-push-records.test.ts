// What a git push leaves behind besides the refs, through the real provider and the real git
// client: the repository's pushed_at moves to the time of the push and its git.push event carries
// that same time; a clone or fetch moves nothing, nor does a push whose every ref update git
// refused. A push whose client goes away once its body has arrived is carried through by git and
// recorded all the same.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import * as https from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';
import { git, runGit } from '../../bench/git-https/git-client';
import { githubTime } from '../../src/provider/iso-time';
import { createClassicToken } from '../builders/tokens';
import { backendStarted } from './helpers/git-backend-started';
import { useGitFixture } from './helpers/git-fixture';

describe('git push bookkeeping (real git through the provider)', function () {
  this.timeout(60_000);
  const f = useGitFixture('tessera-git-push-records-');
  const HOUR = 3_600_000;
  let caPem: string;
  before(async () => {
    caPem = await readFile(f.p.caCertPath, 'utf8');
  });

  it("a push sets the repository's pushed_at with its git.push event; a clone and a fetch leave it", async () => {
    const { p, alice } = f;
    const basic = { login: alice.login, password: alice.password };
    await f.createRepo(alice, 'ledger', true);
    const t = await createClassicToken(p, alice, { name: 'ledger', scopes: ['repo'] });
    const pushedAt = async () => {
      const res = await p.api.call('GET', '/repos/alice/ledger', { basic });
      assert.equal(res.status, 200, res.text);
      return res.json.pushed_at as string;
    };
    const created = await pushedAt();

    p.clock.advance(HOUR);
    const c = await f.cloneTo(t.token, 'alice/ledger');
    assert.equal(c.code, 0, c.stderr);
    assert.equal(await pushedAt(), created, 'a clone is no push');

    p.clock.advance(HOUR);
    const pushTime = p.clock.now();
    const push = await f.commitAndPush(c.dir, 'first');
    assert.equal(push.code, 0, push.stderr);
    assert.equal(await pushedAt(), githubTime(pushTime));
    const log = await p.api.call('GET', '/user/audit-log?phrase=action:git.push', { basic });
    assert.equal(log.status, 200, log.text);
    const events = (log.json as { token_id?: number; created_at: number; repository?: string }[]).filter((e) => e.token_id === t.id);
    assert.equal(events.length, 1, log.text.slice(0, 300));
    assert.equal(events[0].created_at, pushTime.getTime());

    p.clock.advance(HOUR);
    const fetch = await f.cloneTo(t.token, 'alice/ledger');
    assert.equal(fetch.code, 0, fetch.stderr);
    assert.equal(await pushedAt(), githubTime(pushTime), 'a fetch is no push');
  });

  it('a push in the second the repository was made still moves pushed_at off created_at (clients read equal ones as never pushed)', async () => {
    const { p, alice } = f;
    const basic = { login: alice.login, password: alice.password };
    await f.createRepo(alice, 'quick', true);
    const t = await createClassicToken(p, alice, { name: 'quick', scopes: ['repo'] });
    const repo = async () => (await p.api.call('GET', '/repos/alice/quick', { basic })).json as { created_at: string; pushed_at: string };
    const before = await repo();
    assert.equal(before.pushed_at, before.created_at, 'nothing pushed yet');
    const c = await f.cloneTo(t.token, 'alice/quick');
    assert.equal((await f.commitAndPush(c.dir, 'at once')).code, 0); // the clock has not moved: the same instant
    const after = await repo();
    assert.equal(after.created_at, before.created_at);
    assert.equal(after.pushed_at, githubTime(new Date(Date.parse(before.created_at) + 1000)), 'the next second');
  });

  it('a push whose every ref update git refused (a hidden refs/pull/… ref) leaves pushed_at and records no git.push; one that also updated a branch is a push', async () => {
    const { p, alice } = f;
    const basic = { login: alice.login, password: alice.password };
    await f.createRepo(alice, 'hidden', true);
    const t = await createClassicToken(p, alice, { name: 'hidden', scopes: ['repo'] });
    const c = await f.cloneTo(t.token, 'alice/hidden');
    assert.equal(c.code, 0, c.stderr);
    await git(['commit', '-q', '--allow-empty', '-m', 'for a pull ref'], { cwd: c.dir, env: f.env });
    const state = async () => {
      const repo = await p.api.call('GET', '/repos/alice/hidden', { basic });
      const log = await p.api.call('GET', '/user/audit-log?phrase=action:git.push', { basic });
      assert.equal(log.status, 200, log.text);
      const events = (log.json as { token_id?: number; created_at: number }[]).filter((e) => e.token_id === t.id);
      return { pushedAt: repo.json.pushed_at as string, events: events.map((e) => e.created_at) };
    };
    const before = await state();

    p.clock.advance(HOUR);
    const refused = await runGit(['push', 'origin', 'HEAD:refs/pull/1/head'], { cwd: c.dir, env: f.env });
    assert.notEqual(refused.code, 0, 'git refused the update');
    assert.match(refused.stderr, /deny updating a hidden ref/, refused.stderr);
    assert.deepEqual(await state(), before, 'nothing updated: no push to record');

    p.clock.advance(HOUR);
    const pushTime = p.clock.now();
    const mixed = await runGit(['push', 'origin', 'HEAD:refs/pull/2/head', 'HEAD:refs/heads/main'], { cwd: c.dir, env: f.env });
    assert.notEqual(mixed.code, 0, 'one of its updates was refused');
    assert.match(mixed.stderr, /HEAD -> main/, mixed.stderr);
    assert.deepEqual(await state(), { pushedAt: githubTime(pushTime), events: [pushTime.getTime()] }, 'the branch it updated makes it a push');
  });

  it('a push whose client goes away once its whole body has arrived: git moves the ref, and pushed_at and git.push record it', async () => {
    const { p, alice } = f;
    const basic = { login: alice.login, password: alice.password };
    await f.createRepo(alice, 'walked', true);
    const t = await createClassicToken(p, alice, { name: 'walked', scopes: ['repo'] });
    const c = await f.cloneTo(t.token, 'alice/walked');
    assert.equal(c.code, 0, c.stderr);
    await git(['commit', '-q', '--allow-empty', '-m', 'pushed, then the client left'], { cwd: c.dir, env: f.env });
    const sha = (await git(['rev-parse', 'HEAD'], { cwd: c.dir, env: f.env })).trim();
    const pack = await new Promise<Buffer>((resolve, reject) => {
      const child = execFile('git', ['pack-objects', '--stdout', '--revs', '-q'], { cwd: c.dir, env: f.env, encoding: 'buffer' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
      child.stdin?.end(`${sha}\n`);
    });
    const command = `${'0'.repeat(40)} ${sha} refs/heads/main\0report-status side-band-64k\n`;
    const body = Buffer.concat([Buffer.from((command.length + 4).toString(16).padStart(4, '0') + command + '0000'), pack]);

    p.clock.advance(HOUR);
    const pushTime = p.clock.now();
    // The whole body is sent; the connection is closed once git http-backend has started on it
    // (Node reports every child process on this channel; the provider runs in this process).
    const spawned = backendStarted();
    await new Promise<void>((resolve, reject) => {
      const req = https.request(`${p.url}/alice/walked.git/git-receive-pack`, {
        method: 'POST',
        ca: caPem,
        agent: false,
        headers: {
          'Content-Type': 'application/x-git-receive-pack-request',
          'Content-Length': body.length,
          Authorization: 'Basic ' + Buffer.from(`alice:${t.token}`).toString('base64'),
        },
      });
      req.on('error', () => resolve()); // the connection this test closes
      req.on('response', () => reject(new Error('answered before the client left')));
      req.end(body);
      void spawned.then(() => {
        req.destroy();
        resolve();
      });
    });

    // The server carries the push through after the client left; wait for what it leaves behind.
    const events = async () => {
      const log = await p.api.call('GET', '/user/audit-log?phrase=action:git.push', { basic });
      assert.equal(log.status, 200, log.text);
      return (log.json as { token_id?: number; created_at: number }[]).filter((e) => e.token_id === t.id);
    };
    for (let i = 0; i < 100 && ((await f.serverHead('alice', 'walked')) !== sha || (await events()).length === 0); i++) await delay(100);
    assert.equal(await f.serverHead('alice', 'walked'), sha, 'git moved the ref');
    const recorded = await events();
    assert.equal(recorded.length, 1, 'the push has its git.push event');
    assert.equal(recorded[0].created_at, pushTime.getTime());
    const repo = await p.api.call('GET', '/repos/alice/walked', { basic });
    assert.equal(repo.json.pushed_at, githubTime(pushTime));
  });
});
