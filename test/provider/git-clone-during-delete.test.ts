// A repository deleted (DELETE /repos/{owner}/{repo}) or renamed while a real `git clone` of it is
// under way. Fetches take no lock (git-transfer-service.ts): the bare repository is moved (and, on a
// delete, removed) while upload-pack streams its pack. The clone is frozen (SIGSTOP to its process
// group) once it receives objects, with more of the pack than the sockets hold still to come, so the
// delete or rename happens mid-stream for certain; then it goes on. What the user sees: the clone
// completes, or fails with git's own error (and leaves no folder); never a hang. (As found: renamed,
// the clone completes, upload-pack reading on in the moved folder; deleted, once pack-objects needs
// an object it has not opened yet, git says "remote: fatal: unable to read <sha>", "aborting due to
// possible repository corruption on the remote side", "fatal: early EOF".) On the server:
// nothing of the repository is left (deleted) or all of it is at its new name (renamed), no git
// process still works in it, and the provider goes on serving.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import { existsSync, promises as fsp, readdirSync, readlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repositoryPath } from '../../src/provider/git/bare-repos';
import { repositoriesRoot } from '../../src/provider/repos/repositories-root';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';
import { until } from './helpers/request-holds';
import { newSession, type Session } from '../builders/sessions';
import { git, hermeticGitEnv, runGit } from '../../bench/git-https/git-client';

/** Random (incompressible) data pushed: well above what loopback sockets and pipes buffer. */
const FILE_BYTES = 8 * 1024 * 1024;
const COMMITS = 4;

/** The pids of this user's processes whose working folder is `dir` or below (removed or not). */
function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`).replace(/ \(deleted\)$/, '');
      if (cwd === dir || cwd.startsWith(dir + path.sep)) pids.push(Number(entry));
    } catch { /* gone, or not ours */ }
  }
  return pids;
}

describe('a git clone while its repository is deleted or renamed (real git)', function () {
  this.timeout(180_000);
  let t: InProcessProvider;
  let s: Session;
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  let source: string;
  const clones: ChildProcess[] = [];

  const remote = (name: string) => t.provider.url.replace('http://', `http://git:${s.token}@`) + `/${s.user.login}/${name}.git`;
  const bare = (name: string) => repositoryPath(repositoriesRoot(t.ctx), s.user.login, name);

  before(async () => {
    t = await startInProcessProvider();
    s = await newSession(t);
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'tessera-clone-during-delete-'));
    env = hermeticGitEnv(tmp, undefined);
    source = path.join(tmp, 'source');
    await git(['init', '-q', '-b', 'main', source], { env });
    for (let i = 0; i < COMMITS; i++) {
      await fsp.writeFile(path.join(source, `data-${i}.bin`), crypto.randomBytes(FILE_BYTES));
      await git(['add', '-A'], { cwd: source, env });
      await git(['commit', '-q', '-m', `data ${i}`], { cwd: source, env });
    }
  });
  after(async () => {
    for (const c of clones) {
      try { process.kill(-c.pid!, 'SIGKILL'); } catch { /* gone */ }
    }
    await t?.close();
    if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
  });

  async function createAndPush(name: string): Promise<void> {
    const res = await t.api.post('/user/repos', { token: s.token, body: { name } });
    assert.equal(res.status, 201, res.text);
    const pushed = await runGit(['push', '-q', remote(name), 'HEAD:main'], { cwd: source, env });
    assert.equal(pushed.code, 0, pushed.stderr);
  }

  /**
   * Starts `git clone` of `name` into `dir`, freezes it once it receives objects, runs `meanwhile`,
   * lets it go on and returns how it ended.
   */
  async function cloneAround(name: string, dir: string, meanwhile: () => Promise<void>) {
    const clone = spawn('git', ['clone', '--progress', remote(name), dir], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    clones.push(clone);
    let stderr = '';
    clone.stdout.resume();
    clone.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => clone.once('close', (code, signal) => resolve({ code, signal })));
    let exited = false;
    void ended.then(() => { exited = true; });
    await until(() => /Receiving objects/.test(stderr) || exited);
    assert.ok(!exited, `the clone ended before receiving objects:\n${stderr}`);
    process.kill(-clone.pid!, 'SIGSTOP');
    try {
      await meanwhile();
    } finally {
      process.kill(-clone.pid!, 'SIGCONT');
    }
    const r = { ...(await ended), stderr: stderr.replace(/\r/g, '\n') };
    console.log(`      the clone ${r.code === 0 ? 'completed' : `failed: ${r.stderr.split('\n').filter((l) => /^(fatal|error): /.test(l)).join(' / ')}`}`);
    return r;
  }

  /** The clone in `dir` is complete: every object there, main at the source's commit. */
  async function assertCompleteClone(dir: string): Promise<void> {
    await git(['fsck', '--no-dangling'], { cwd: dir, env });
    assert.equal((await git(['rev-parse', 'HEAD'], { cwd: dir, env })).trim(), (await git(['rev-parse', 'HEAD'], { cwd: source, env })).trim());
  }

  /** The provider goes on serving: the API, and a clone of another repository. */
  async function assertServing(): Promise<void> {
    assert.equal((await t.api.get('/user', { token: s.token })).status, 200);
    const other = `still-serving-${crypto.randomBytes(3).toString('hex')}`;
    assert.equal((await t.api.post('/user/repos', { token: s.token, body: { name: other, auto_init: true } })).status, 201);
    const dir = path.join(tmp, other);
    const cloned = await runGit(['clone', '-q', remote(other), dir], { env });
    assert.equal(cloned.code, 0, cloned.stderr);
    assert.ok(existsSync(path.join(dir, 'README.md')));
  }

  /** The clone `r` into `dir` completed whole, or failed with git's own error and left nothing. */
  async function assertCompleteOrGitsError(r: { code: number | null; signal: NodeJS.Signals | null; stderr: string }, dir: string): Promise<void> {
    if (r.code === 0) return assertCompleteClone(dir);
    assert.equal(r.signal, null, r.stderr);
    assert.match(r.stderr, /^(fatal|error): /m, `git says why:\n${r.stderr}`);
    assert.ok(!existsSync(dir), `the failed clone left ${dir}`);
  }

  it('deleted mid-clone: the clone completes or fails with git\'s error, leaving nothing behind; nothing of it stays on the server', async () => {
    await createAndPush('deleted-mid-clone');
    const where = bare('deleted-mid-clone');
    const dir = path.join(tmp, 'deleted-clone');
    const r = await cloneAround('deleted-mid-clone', dir, async () => {
      assert.ok(processesIn(where).length > 0, 'git on the server is still sending the pack');
      const res = await t.api.delete(`/repos/${s.user.login}/deleted-mid-clone`, { token: s.token });
      assert.equal(res.status, 204, res.text);
    });
    await assertCompleteOrGitsError(r, dir);
    assert.ok(!existsSync(where), 'the bare repository is gone');
    const trash = path.join(repositoriesRoot(t.ctx), '.trash');
    assert.deepEqual(existsSync(trash) ? readdirSync(trash) : [], [], 'nothing left in .trash');
    await until(() => processesIn(where).length === 0);
    assert.equal((await t.api.get(`/repos/${s.user.login}/deleted-mid-clone`, { token: s.token })).status, 404);
    await assertServing();
  });

  it('renamed mid-clone: the clone completes (or fails with git\'s error); the repository is whole at its new name', async () => {
    await createAndPush('renamed-mid-clone');
    const from = bare('renamed-mid-clone');
    const dir = path.join(tmp, 'renamed-clone');
    const r = await cloneAround('renamed-mid-clone', dir, async () => {
      assert.ok(processesIn(from).length > 0, 'git on the server is still sending the pack');
      const res = await t.api.patch(`/repos/${s.user.login}/renamed-mid-clone`, { token: s.token, body: { name: 'renamed-after-clone' } });
      assert.equal(res.status, 200, res.text);
    });
    await assertCompleteOrGitsError(r, dir);
    assert.ok(!existsSync(from), 'nothing at the old name');
    await git(['fsck', '--no-dangling'], { cwd: bare('renamed-after-clone'), env });
    await until(() => processesIn(bare('renamed-after-clone')).length === 0);
    // A clone by the new name gets all of it.
    const again = path.join(tmp, 'again-renamed');
    const cloned = await runGit(['clone', '-q', remote('renamed-after-clone'), again], { env });
    assert.equal(cloned.code, 0, cloned.stderr);
    await assertCompleteClone(again);
    await assertServing();
  });
});
