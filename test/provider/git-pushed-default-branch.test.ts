// A push that leaves a repository without its default branch (`main` never pushed) makes a pushed
// branch the default — HEAD and the record — before git's answer ends (git/pushed-default-branch.ts
// run from git-transfer-service.ts): a clone started as soon as `git push` returns sees it.
import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { hermeticGitEnv, runGit } from '../../bench/git-https/git-client';
import { defaultRepositoriesRoot, repositoryPath } from '../../src/provider/git/bare-repos';
import { createRepo } from '../builders/repos';
import { newSession } from '../builders/sessions';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';

describe('the default branch a push brings', function () {
  this.timeout(60_000);
  let t: InProcessProvider;
  let tmp: string;
  /** The receive-pack answers the provider has begun. */
  const pushAnswers: ServerResponse[] = [];

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tessera-pushed-default-'));
    t = await startInProcessProvider({
      routes: [
        (app) =>
          app.addHook('onRequest', async (request, reply) => {
            if (request.url.endsWith('/git-receive-pack')) pushAnswers.push(reply.raw);
          }),
      ],
    });
  });
  after(async () => {
    await t?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('is settled before the push answer ends: HEAD and default_branch name master once git push returns', async () => {
    const alice = await newSession(t);
    const repo = await createRepo(t, alice, undefined, 'from-master', true);
    // Whether the receive-pack answer had ended when the default branch was taken (under the repository's lock).
    const answeredWhenAdopting: boolean[] = [];
    const store = t.ctx.store;
    const withRepositoryLock = store.withRepositoryLock.bind(store);
    store.withRepositoryLock = ((id: number, fn: never) => {
      if (id === repo.id) answeredWhenAdopting.push(pushAnswers.some((r) => r.writableFinished));
      return withRepositoryLock(id, fn);
    }) as typeof store.withRepositoryLock;

    const work = path.join(tmp, 'work');
    await mkdir(path.join(tmp, 'home'), { recursive: true });
    await mkdir(work);
    const env = hermeticGitEnv(path.join(tmp, 'home'), undefined);
    const remote = t.provider.url.replace('http://', `http://${alice.user.login}:${alice.token}@`) + `/${repo.full_name}.git`;
    for (const args of [['init', '-q', '-b', 'master'], ['commit', '-q', '--allow-empty', '-m', 'on master'], ['push', '-q', remote, 'master']]) {
      const r = await runGit(args, { cwd: work, env });
      assert.equal(r.code, 0, `git ${args[0]} failed: ${r.stderr.replaceAll(alice.token, '***')}`);
    }
    const head = await readFile(path.join(repositoryPath(defaultRepositoriesRoot(t.dataDir), alice.user.login, 'from-master'), 'HEAD'), 'utf8');
    assert.equal(head.trim(), 'ref: refs/heads/master');
    const record = await t.api.get(`/repos/${repo.full_name}`, { token: alice.token });
    assert.equal(record.json.default_branch, 'master');
    assert.equal(pushAnswers.length, 1, 'one receive-pack answer');
    assert.deepEqual(answeredWhenAdopting, [false], 'taken once, before the answer ended');
  });
});
