// Renames of one repository that overlap, with each other, with its deletion and with git
// requests that resolved the repository by its old name: the record and the bare repository on
// disk end up agreeing, and no empty bare repository is made at a name the record left (a push
// into it would be lost). A preHandler hook holds the requests after authorization (the
// repository resolved) until all of them got there, so they overlap for certain. Also a creation
// overlapping a push to the new repository (at another replica, say): what was pushed stays.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { repositoryPath } from '../../src/provider/git/bare-repos';
import { repositoriesRoot } from '../../src/provider/repos/repositories-root';
import { REPOSITORY_CHANGED_MESSAGE } from '../../src/provider/repos/repository-service';
import type { RepositoryStore } from '../../src/provider/store/repositories';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';
import { RequestHolds, until } from './helpers/request-holds';
import { newSession, type Session } from '../builders/sessions';
import { git, hermeticGitEnv, runGit } from '../../bench/git-https/git-client';

/**
 * Holds repository creations once their record is committed: `recordMade` resolves then, `release`
 * lets them go on, `restore` puts the store's own method back (later creations are not held).
 */
function holdCreationAfterRecord(repos: RepositoryStore): { recordMade: Promise<void>; release: () => void; restore: () => void } {
  const create = repos.create;
  let inserted!: () => void;
  const recordMade = new Promise<void>((r) => (inserted = r));
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  repos.create = async (r) => {
    const rec = await create.call(repos, r);
    inserted();
    await held;
    return rec;
  };
  return { recordMade, release, restore: () => void (repos.create = create) };
}

describe('repository rename under concurrency', function () {
  this.timeout(60_000);
  let t: InProcessProvider;
  let s: Session;
  const holds = new RequestHolds();

  before(async () => {
    t = await startInProcessProvider({ routes: [holds.install] });
    s = await newSession(t);
  });
  after(async () => {
    await t?.close();
  });

  const onDisk = (name: string) => existsSync(repositoryPath(repositoriesRoot(t.ctx), s.user.login, name));
  const me = () => s.user.login;

  async function createWithReadme(name: string): Promise<number> {
    const res = await t.api.post('/user/repos', { token: s.token, body: { name, auto_init: true } });
    assert.equal(res.status, 201, res.text);
    return res.json.id;
  }

  /** The refs a git client (`as`, by default the owner) would see first (clone: upload-pack; push: receive-pack). */
  function advertisement(name: string, service: 'git-upload-pack' | 'git-receive-pack', as: Session = s) {
    return t.api.call('GET', `${t.provider.url}/${me()}/${name}.git/info/refs?service=${service}`, { basic: { login: as.user.login, password: as.token } });
  }

  it('two renames at once to two names: one 200, one 409, and the record names the bare repository that has the data', async () => {
    for (let round = 0; round < 3; round++) {
      const [x, y, z] = [`race-x${round}`, `race-y${round}`, `race-z${round}`];
      const id = await createWithReadme(x);
      const h = holds.hold((r) => r.method === 'PATCH' && r.url.endsWith(`/repos/${me()}/${x}`));
      const answers = Promise.all([y, z].map((name) => t.api.patch(`/repos/${me()}/${x}`, { token: s.token, body: { name } })));
      await until(() => h.arrived === 2);
      h.release();
      const [toY, toZ] = await answers;
      const statuses = [toY.status, toZ.status].sort();
      assert.deepEqual(statuses, [200, 409], `${toY.json.message ?? toY.status} / ${toZ.json.message ?? toZ.status}`);
      const lost = toY.status === 409 ? toY : toZ;
      assert.equal(lost.json.message, REPOSITORY_CHANGED_MESSAGE);
      const won = toY.status === 200 ? y : z;
      const other = won === y ? z : y;
      const rec = await t.api.get(`/repos/${me()}/${won}`, { token: s.token });
      assert.deepEqual([rec.status, rec.json.id], [200, id]);
      assert.deepEqual([onDisk(won), onDisk(x), onDisk(other)], [true, false, false], 'only the winning name is on disk');
      // Git on the record's name finds the data (not an empty repository made on the fly).
      const refs = await advertisement(won, 'git-upload-pack');
      assert.equal(refs.status, 200);
      assert.match(refs.text, /refs\/heads\/main/);
      assert.deepEqual([onDisk(x), onDisk(other)], [false, false]);
    }
  });

  it('a rename and a delete at once: the record and the bare repository go or stay together', async () => {
    for (let round = 0; round < 3; round++) {
      const [x, y] = [`rd-x${round}`, `rd-y${round}`];
      await createWithReadme(x);
      const h = holds.hold((r) => (r.method === 'PATCH' || r.method === 'DELETE') && r.url.endsWith(`/repos/${me()}/${x}`));
      const answers = Promise.all([
        t.api.patch(`/repos/${me()}/${x}`, { token: s.token, body: { name: y } }),
        t.api.delete(`/repos/${me()}/${x}`, { token: s.token }),
      ]);
      await until(() => h.arrived === 2);
      h.release();
      const [renamed, deleted] = await answers;
      assert.ok([200, 404].includes(renamed.status), renamed.text);
      assert.equal(deleted.status, 204, deleted.text);
      assert.equal((await t.api.get(`/repos/${me()}/${y}`, { token: s.token })).status, 404);
      assert.deepEqual([onDisk(x), onDisk(y)], [false, false], 'nothing left on disk without a record');
    }
  });

  it('a rename whose commit is reported failed after it happened (connection lost at COMMIT) leaves the bare repository at the new name the record has', async () => {
    const [x, y] = ['unknown-x', 'unknown-y'];
    await createWithReadme(x);
    // On the store's class: on PostgreSQL the rename's transaction runs on the store the lock hands it (another instance).
    const store = Object.getPrototypeOf(t.store) as { transaction: (fn: (tx: never) => Promise<unknown>) => Promise<unknown> };
    const transaction = store.transaction;
    // The next transaction (the rename's, or on SQLite the repository lock's) commits, then reports a failure.
    store.transaction = async function (this: unknown, fn) {
      store.transaction = transaction;
      await transaction.call(this, fn);
      throw new Error('connection lost at COMMIT');
    };
    try {
      const res = await t.api.patch(`/repos/${me()}/${x}`, { token: s.token, body: { name: y } });
      assert.equal(res.status, 500, res.text);
    } finally {
      store.transaction = transaction;
    }
    assert.equal((await t.api.get(`/repos/${me()}/${y}`, { token: s.token })).status, 200, 'the rename committed');
    assert.deepEqual([onDisk(y), onDisk(x)], [true, false], 'the bare repository stayed with the record');
  });

  it('a push to a repository whose record is made but whose creation has not made its bare repository yet: the creation keeps what was pushed', async () => {
    // The creation is held once its record is committed (the git route then finds the record
    // without a bare repository, and makes it for the push).
    const { recordMade, release, restore } = holdCreationAfterRecord(t.store.repositories);
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'tessera-create-push-'));
    try {
      const made = t.api.post('/user/repos', { token: s.token, body: { name: 'pushed-first', auto_init: true } });
      await recordMade;
      restore();
      const env = hermeticGitEnv(tmp, undefined);
      const work = path.join(tmp, 'work');
      await git(['init', '-q', '-b', 'main', work], { env });
      await git(['commit', '-q', '--allow-empty', '-m', 'pushed while the repository was made'], { cwd: work, env });
      const remote = t.provider.url.replace('http://', `http://git:${s.token}@`) + `/${me()}/pushed-first.git`;
      const pushed = await runGit(['push', remote, 'HEAD:main'], { cwd: work, env });
      assert.equal(pushed.code, 0, pushed.stderr);
      release();
      const answer = await made;
      assert.equal(answer.status, 201, answer.text);
      assert.equal((await t.api.get(`/repos/${me()}/pushed-first`, { token: s.token })).status, 200, 'the record stays');
      const refs = await git(['ls-remote', remote, 'refs/heads/main'], { env });
      assert.equal(refs.split('\t')[0], (await git(['rev-parse', 'HEAD'], { cwd: work, env })).trim(), 'the pushed commit, no README over it');
    } finally {
      restore();
      release();
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it("a push updating the new repository's branch while auto_init writes its README (the branch's ref locked by the push): the creation keeps the repository, without a README", async () => {
    // The creation is held once its record is committed; meanwhile a git request makes the bare
    // repository, and the branch's ref is locked as receive-pack locks it while it updates it.
    const { recordMade, release, restore } = holdCreationAfterRecord(t.store.repositories);
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'tessera-create-push-'));
    const lockFile = path.join(repositoryPath(repositoriesRoot(t.ctx), me(), 'pushing'), 'refs', 'heads', 'main.lock');
    try {
      const made = t.api.post('/user/repos', { token: s.token, body: { name: 'pushing', auto_init: true } });
      await recordMade;
      restore();
      assert.equal((await advertisement('pushing', 'git-receive-pack')).status, 200, 'the git route made the bare repository');
      await writeFile(lockFile, '');
      release();
      const answer = await made;
      assert.equal(answer.status, 201, answer.text);
      assert.ok(onDisk('pushing'), 'the bare repository stays');
      await rm(lockFile);
      const env = hermeticGitEnv(tmp, undefined);
      const work = path.join(tmp, 'work');
      await git(['init', '-q', '-b', 'main', work], { env });
      await git(['commit', '-q', '--allow-empty', '-m', 'the push'], { cwd: work, env });
      const remote = t.provider.url.replace('http://', `http://git:${s.token}@`) + `/${me()}/pushing.git`;
      const pushed = await runGit(['push', remote, 'HEAD:main'], { cwd: work, env });
      assert.equal(pushed.code, 0, pushed.stderr);
      const refs = await git(['ls-remote', remote, 'refs/heads/main'], { env });
      assert.equal(refs.split('\t')[0], (await git(['rev-parse', 'HEAD'], { cwd: work, env })).trim(), 'the pushed commit, no README under or over it');
    } finally {
      restore();
      release();
      await rm(lockFile, { force: true });
      await rm(tmp, { recursive: true, force: true });
    }
  });

  for (const service of ['git-upload-pack', 'git-receive-pack'] as const) {
    it(`${service === 'git-upload-pack' ? 'a clone' : 'a push'} that resolved the old name before a rename committed makes no empty repository at the old path: it is served the renamed one`, async () => {
      const [x, y] = [`stale-${service}`, `moved-${service}`];
      await createWithReadme(x);
      const h = holds.hold((r) => r.method === 'GET' && r.url.startsWith(`/${me()}/${x}.git/info/refs`));
      const refs = advertisement(x, service);
      await until(() => h.arrived === 1);
      const renamed = await t.api.patch(`/repos/${me()}/${x}`, { token: s.token, body: { name: y } });
      assert.equal(renamed.status, 200, renamed.text);
      h.release();
      const answer = await refs;
      assert.equal(onDisk(x), false, 'no bare repository made at the old name');
      assert.equal(answer.status, 200, answer.text);
      assert.match(answer.text, /refs\/heads\/main/, 'the renamed repository, with its data');
      assert.equal((await advertisement(x, service)).status, 404, 'a request after the rename does not find the old name');
    });
  }

  it('a clone authorized on a public repository that is deleted, and a private one made at its name, before it is served: 404, not the private one', async () => {
    const outsider = await newSession(t);
    const made = await t.api.post('/user/repos', { token: s.token, body: { name: 'swapped', auto_init: true } });
    assert.equal(made.status, 201, made.text);
    const h = holds.hold((r) => r.method === 'GET' && r.url.startsWith(`/${me()}/swapped.git/info/refs`));
    const refs = advertisement('swapped', 'git-upload-pack', outsider);
    try {
      await until(() => h.arrived === 1);
      assert.equal((await t.api.delete(`/repos/${me()}/swapped`, { token: s.token })).status, 204);
      const secret = await t.api.post('/user/repos', { token: s.token, body: { name: 'swapped', private: true, auto_init: true } });
      assert.equal(secret.status, 201, secret.text);
    } finally {
      h.release();
    }
    const answer = await refs;
    assert.equal(answer.status, 404, `the outsider was authorized on the public repository only: ${answer.status} ${answer.text.slice(0, 200)}`);
    assert.equal((await advertisement('swapped', 'git-upload-pack', outsider)).status, 404, 'nor afterwards');
    assert.equal((await advertisement('swapped', 'git-upload-pack')).status, 200, 'the owner reads the new one');
  });
});
