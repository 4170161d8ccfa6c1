import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateRepository } from '../../bench/git-https/generate-repo';
import { git, hermeticGitEnv } from '../../bench/git-https/git-client';
import {
  bareRepositoryExists,
  createBareRepository,
  defaultRepositoriesRoot,
  deleteBareRepository,
  InvalidRepositoryNameError,
  renameBareRepository,
  repositoryPath,
} from '../../src/provider/git/bare-repos';

describe('bare repositories on disk (real git)', function () {
  this.timeout(30_000);
  let tmp: string;
  let root: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'tessera-bare-'));
    root = defaultRepositoriesRoot(path.join(tmp, 'data'));
    await fsp.mkdir(path.join(tmp, 'home'));
    env = hermeticGitEnv(path.join(tmp, 'home'), undefined);
  });
  afterEach(async () => {
    await fsp.rm(tmp, { recursive: true, force: true });
  });

  it('creates an empty bare repository with default branch main that accepts pushes over HTTP', async () => {
    const dir = await createBareRepository(root, 'Acme', 'Site');
    assert.equal(dir, path.join(tmp, 'data', 'repositories', 'acme', 'site.git'));
    assert.equal((await git(['rev-parse', '--is-bare-repository'], { cwd: dir, env })).trim(), 'true');
    assert.equal((await git(['symbolic-ref', 'HEAD'], { cwd: dir, env })).trim(), 'refs/heads/main');
    assert.equal((await git(['config', 'http.receivepack'], { cwd: dir, env })).trim(), 'true');
    assert.equal((await git(['config', 'receive.denyNonFastForwards'], { cwd: dir, env })).trim(), 'false');
    assert.equal((await git(['for-each-ref'], { cwd: dir, env })).trim(), '');
    // No hooks from anyone's init.templateDir.
    await assert.rejects(fsp.stat(path.join(dir, 'hooks', 'pre-receive.sample')));
    assert.equal(await bareRepositoryExists(root, 'acme', 'site'), true);
    assert.equal(await bareRepositoryExists(root, 'acme', 'other'), false);
    // No staging folders left behind.
    assert.deepEqual(await fsp.readdir(path.join(root, 'acme')), ['site.git']);
  });

  it('reuses an empty repository already there, refuses to replace one with history', async () => {
    const [a, b] = await Promise.all([createBareRepository(root, 'acme', 'site'), createBareRepository(root, 'acme', 'site')]);
    assert.equal(a, b);
    await generateRepository(a, { commits: 2, randomBytesPerCommit: 10, env });
    await assert.rejects(createBareRepository(root, 'acme', 'site'), (err: NodeJS.ErrnoException) => err.code === 'EEXIST');
    await assert.rejects(createBareRepository(root, 'acme', '../x'), InvalidRepositoryNameError);
  });

  it('reuses one with history only when it was made for the same record', async () => {
    const dir = await createBareRepository(root, 'acme', 'made-for', 7);
    await generateRepository(dir, { commits: 1, randomBytesPerCommit: 10, env });
    assert.equal(await createBareRepository(root, 'acme', 'made-for', 7), dir);
    await assert.rejects(createBareRepository(root, 'acme', 'made-for', 8), (err: NodeJS.ErrnoException) => err.code === 'EEXIST');
    await assert.rejects(createBareRepository(root, 'acme', 'made-for'), (err: NodeJS.ErrnoException) => err.code === 'EEXIST');
  });

  it('deletes (tolerating a missing one) and renames/transfers repositories', async () => {
    const dir = await createBareRepository(root, 'acme', 'site');
    await generateRepository(dir, { commits: 1, randomBytesPerCommit: 10, env });
    const moved = await renameBareRepository(root, { owner: 'acme', name: 'site' }, { owner: 'octo', name: 'web' });
    assert.equal(moved, repositoryPath(root, 'octo', 'web'));
    assert.equal(await bareRepositoryExists(root, 'acme', 'site'), false);
    assert.match(await git(['log', '--format=%s', 'main'], { cwd: moved, env }), /commit 0/);
    await createBareRepository(root, 'acme', 'site');
    await assert.rejects(
      renameBareRepository(root, { owner: 'octo', name: 'web' }, { owner: 'acme', name: 'site' }),
      (err: NodeJS.ErrnoException) => err.code === 'EEXIST',
    );

    await deleteBareRepository(root, 'octo', 'web');
    assert.equal(await bareRepositoryExists(root, 'octo', 'web'), false);
    assert.deepEqual(await fsp.readdir(path.join(root, '.trash')), []);
    await deleteBareRepository(root, 'octo', 'web'); // already gone: no error
    // A new repository of the same name starts empty.
    const again = await createBareRepository(root, 'octo', 'web');
    assert.equal((await git(['for-each-ref'], { cwd: again, env })).trim(), '');
  });
});
