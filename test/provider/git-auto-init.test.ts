// `auto_init` on repository creation, through the real git client: the new repository has a first
// commit with a README.md on its default branch, a clone shows it, a push builds on it, and
// GET /repos/{owner}/{repo}/branches/{branch} reads the branch's commit from the bare repository.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { git } from '../../bench/git-https/git-client';
import { createClassicToken } from '../builders/tokens';
import { useGitFixture } from './helpers/git-fixture';

describe('auto_init: a first commit with a README, seen through git', function () {
  this.timeout(60_000);
  const f = useGitFixture('tessera-git-auto-init-');

  it('creates the README commit on main; a clone shows it and a push builds on it; the branch endpoint follows', async () => {
    const { p, alice, env } = f;
    const basic = { login: alice.login, password: alice.password };
    const created = await p.api.post('/user/repos', { basic, body: { name: 'seeded', description: 'made with a README', private: true, auto_init: true } });
    assert.equal(created.status, 201, created.text);
    assert.ok(created.json.pushed_at, 'the first commit counts as a push');

    const token = await createClassicToken(p, alice, { name: 'clone', scopes: ['repo'] });
    const c = await f.cloneTo(token.token, 'alice/seeded');
    assert.equal(c.code, 0, c.stderr);
    assert.equal(await fsp.readFile(path.join(c.dir, 'README.md'), 'utf8'), '# seeded\n\nmade with a README\n');
    assert.equal((await git(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: c.dir, env })).trim(), 'main');
    assert.equal((await git(['log', '--format=%s|%ae', '-1'], { cwd: c.dir, env })).trim(), `Initial commit|${alice.email}`);
    const first = (await git(['rev-parse', 'HEAD'], { cwd: c.dir, env })).trim();

    const branch = await p.api.get('/repos/alice/seeded/branches/main', { token: token.token });
    assert.equal(branch.status, 200, branch.text);
    assert.equal(branch.json.commit.sha, first);
    assert.deepEqual(branch.json.commit.parents, []);

    const push = await f.commitAndPush(c.dir, 'second');
    assert.equal(push.code, 0, push.stderr);
    const after = await p.api.get('/repos/alice/seeded/branches/main', { token: token.token });
    assert.equal(after.json.commit.commit.message, 'second');
    assert.deepEqual(after.json.commit.parents.map((x: { sha: string }) => x.sha), [first]);
    assert.equal((await p.api.get('/repos/alice/seeded/branches/nope', { token: token.token })).status, 404);
  });

  it('without auto_init the repository is empty: the clone has no commit and no branch exists', async () => {
    const { p, alice, env } = f;
    await f.createRepo(alice, 'bare', true);
    const token = await createClassicToken(p, alice, { name: 'empty', scopes: ['repo'] });
    const c = await f.cloneTo(token.token, 'alice/bare');
    assert.equal(c.code, 0, c.stderr);
    assert.equal((await git(['rev-parse', '--verify', '-q', 'HEAD'], { cwd: c.dir, env }).catch(() => '')).trim(), '');
    assert.equal((await p.api.get('/repos/alice/bare/branches/main', { token: token.token })).status, 404);
  });
});
