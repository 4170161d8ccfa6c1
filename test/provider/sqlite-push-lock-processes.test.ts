// Two providers on one SQLite data folder (A in this process, B a `tessera serve` process): a git
// push through one holds its repository's push lock for every process sharing the folder, so a
// rename or delete through the other waits for it and refuses (409) when it still runs after the
// lock timeout, the bare repository staying where git writes and the push landing whole. Without
// it the lock was each process's own: B deleted (or renamed) the repository at once, moving the
// bare repository aside under A's git. A lock whose holder was killed (`kill -9` of B mid-push) is
// taken over at once by the next rename or delete, instead of refusing it for ever. Each push is
// held half-sent (its commands sent, its pack held back), so that it overlaps for certain.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { git, hermeticGitEnv } from '../../bench/git-https/git-client';
import { PUSH_LOCKS_FOLDER } from '../../src/provider/data-folder-names';
import { defaultRepositoriesRoot, repositoryPath } from '../../src/provider/git/bare-repos';
import { PUSH_UNDER_WAY_MESSAGE } from '../../src/provider/repos/repository-service';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { backendStarted } from './helpers/git-backend-started';
import { startInProcessProvider, type InProcessProvider } from './helpers/in-process-provider';
import { startProviderProcess, type ProviderProcess } from './helpers/provider-process';
import { until } from './helpers/request-holds';
import { describeSqliteOnly } from './helpers/test-database';

describeSqliteOnly('SQLite: a git push in one process against a rename or delete in another', function () {
  this.timeout(60_000);
  let a: InProcessProvider;
  let b: ProviderProcess;
  let work: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    a = await startInProcessProvider();
    b = await startProviderProcess(a.dataDir);
    work = await mkdtemp(path.join(os.tmpdir(), 'tessera-push-lock-processes-'));
    env = hermeticGitEnv(work, undefined);
  });
  afterEach(async () => {
    await b?.stop();
    await a?.close();
    await rm(work, { recursive: true, force: true });
  });

  /** A commit of its own (a root, in a repository of `work`) and the pack that carries it. */
  async function newCommit(): Promise<{ sha: string; pack: Buffer }> {
    const dir = await mkdtemp(path.join(work, 'local-'));
    await git(['init', '-q'], { cwd: dir, env });
    await git(['commit', '-q', '--allow-empty', '-m', 'pushed while another process renames or deletes'], { cwd: dir, env });
    const sha = (await git(['rev-parse', 'HEAD'], { cwd: dir, env })).trim();
    const pack = await new Promise<Buffer>((resolve, reject) => {
      const child = execFile('git', ['pack-objects', '--stdout', '--revs', '-q'], { cwd: dir, env, encoding: 'buffer' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
      child.stdin?.end(`${sha}\n`);
    });
    return { sha, pack };
  }

  /** A push of a new branch `side` into `s`'s `name` through `url`, its commands sent and its pack held back until `finish`. */
  async function heldPush(url: string, s: Session, token: string, name: string) {
    const { sha, pack } = await newCommit();
    const command = `${'0'.repeat(40)} ${sha} refs/heads/side\0report-status\n`;
    const commands = Buffer.from((command.length + 4).toString(16).padStart(4, '0') + command + '0000');
    const req = http.request(`${url}/${s.user.login}/${name}.git/git-receive-pack`, {
      method: 'POST',
      agent: false,
      headers: {
        'Content-Type': 'application/x-git-receive-pack-request',
        'Content-Length': commands.length + pack.length,
        Authorization: 'Basic ' + Buffer.from(`${s.user.login}:${token}`).toString('base64'),
      },
    });
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') }));
        res.on('error', reject);
      });
    });
    req.write(commands);
    return {
      sha,
      answered,
      finish: () => {
        req.end(pack);
        return answered;
      },
    };
  }

  /** `s`'s new repository `name` (with a first commit) and a token that may push into it. */
  async function repoToPush(name: string): Promise<{ s: Session; token: string }> {
    const s = await newSession(a);
    const made = await a.api.post('/user/repos', { token: s.token, body: { name, auto_init: true } });
    assert.equal(made.status, 201, made.text);
    const t = await createClassicToken(a, s, { scopes: ['repo'] });
    return { s, token: t.token };
  }

  const bare = (s: Session, name: string) => repositoryPath(defaultRepositoriesRoot(a.dataDir), s.user.login, name);
  /** What the push-locks folder holds (its lock files only, without the temporary ones they are made through, when `locksOnly`). */
  const pushLockFiles = (locksOnly = false) => {
    try {
      return readdirSync(path.join(a.dataDir, PUSH_LOCKS_FOLDER)).filter((n) => !locksOnly || /^\d+\.(push|move)\.[0-9a-f]{16}$/.test(n));
    } catch {
      return [];
    }
  };

  it('a delete or rename through B while a push runs through A waits, then refuses (409); the push lands whole; then the delete goes through', async () => {
    const { s, token } = await repoToPush('pushed-into');
    const started = backendStarted();
    const push = await heldPush(a.provider.url, s, token, 'pushed-into');
    await started;

    const del = await b.api.call('DELETE', `/repos/${s.user.login}/pushed-into`, { token: s.token });
    assert.equal(del.status, 409, del.text);
    assert.equal(del.json.message, PUSH_UNDER_WAY_MESSAGE);
    const rename = await b.api.call('PATCH', `/repos/${s.user.login}/pushed-into`, { token: s.token, body: { name: 'renamed-away' } });
    assert.equal(rename.status, 409, rename.text);
    assert.equal(rename.json.message, PUSH_UNDER_WAY_MESSAGE);
    assert.ok(existsSync(bare(s, 'pushed-into')) && !existsSync(bare(s, 'renamed-away')), 'the bare repository stayed where git writes');

    const pushed = await push.finish();
    assert.equal(pushed.status, 200, pushed.body);
    assert.match(pushed.body, /ok refs\/heads\/side/, pushed.body);
    assert.equal((await git(['rev-parse', 'refs/heads/side'], { cwd: bare(s, 'pushed-into'), env })).trim(), push.sha, 'the push landed in the repository');
    assert.equal((await git(['fsck', '--no-dangling'], { cwd: bare(s, 'pushed-into'), env })).trim(), '', 'whole');

    const after = await b.api.call('DELETE', `/repos/${s.user.login}/pushed-into`, { token: s.token });
    assert.equal(after.status, 204, after.text);
    assert.ok(!existsSync(bare(s, 'pushed-into')), 'the bare repository is gone with its record');
    assert.deepEqual(pushLockFiles(), [], 'every lock file (and every temporary one) is removed by its holder');
  });

  it('the lock of a push whose process was killed (B, kill -9) is taken over: a rename through A goes through at once', async () => {
    const { s, token } = await repoToPush('left-locked');
    const push = await heldPush(b.url, s, token, 'left-locked');
    push.answered.catch(() => undefined); // B dies before it answers
    await until(() => pushLockFiles(true).some((n) => n.includes('.push.')));
    await b.kill();

    const rename = await a.api.call('PATCH', `/repos/${s.user.login}/left-locked`, { token: s.token, body: { name: 'moved-on' } });
    assert.equal(rename.status, 200, rename.text);
    assert.ok(existsSync(bare(s, 'moved-on')) && !existsSync(bare(s, 'left-locked')), 'the bare repository moved with its record');
    assert.deepEqual(pushLockFiles(true), [], 'the killed holder’s lock file is gone');
  });
});
