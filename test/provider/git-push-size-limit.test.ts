// One push may send at most `maxPushBytes` of pack (git's receive.maxInputSize, GitHub: 2 GiB): a
// bigger push is refused by git with its reason and leaves the repository as it was; a push under
// the limit goes through.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { hermeticGitEnv, runGit } from '../../bench/git-https/git-client';
import { createRepo } from '../builders/repos';
import { newSession, type Session } from '../builders/sessions';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('git: the size of one push', function () {
  this.timeout(60_000);
  const LIMIT = 256 * 1024;
  let t: TestProvider;
  let tmp: string;
  let alice: Session;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tessera-push-limit-'));
    t = await startTestProvider({ maxPushBytes: LIMIT });
    alice = await newSession(t);
  });
  after(async () => {
    await t?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('a pack over the limit is refused with git’s reason and nothing is kept; one under it is pushed', async () => {
    const repo = await createRepo(t, alice, undefined, 'limited', true);
    const work = path.join(tmp, 'work');
    await mkdir(path.join(tmp, 'home'), { recursive: true });
    await mkdir(work);
    const env = hermeticGitEnv(path.join(tmp, 'home'), undefined);
    const remote = t.provider.url.replace('http://', `http://${alice.user.login}:${alice.token}@`) + `/${repo.full_name}.git`;
    const git = async (args: string[]) => {
      const r = await runGit(args, { cwd: work, env });
      return { ...r, stderr: r.stderr.replaceAll(alice.token, '***') };
    };
    const ok = async (args: string[]) => {
      const r = await git(args);
      assert.equal(r.code, 0, `git ${args[0]} failed: ${r.stderr}`);
      return r;
    };

    await ok(['init', '-q', '-b', 'main']);
    await writeFile(path.join(work, 'big.bin'), randomBytes(4 * LIMIT)); // random: git cannot compress it under the limit
    await ok(['add', 'big.bin']);
    await ok(['commit', '-q', '-m', 'too big']);
    const refused = await git(['push', remote, 'main']);
    assert.notEqual(refused.code, 0, 'the push is refused');
    assert.match(refused.stderr, /pack exceeds maximum allowed size/, refused.stderr);
    assert.equal((await ok(['ls-remote', remote])).stdout.trim(), '', 'nothing of the refused push is kept');

    // The same commit without the big file (the big blob stays local: nothing reaches it).
    await ok(['rm', '-q', 'big.bin']);
    await writeFile(path.join(work, 'README.md'), 'small\n');
    await ok(['add', 'README.md']);
    await ok(['commit', '-q', '--amend', '-m', 'small']);
    await ok(['push', '-q', remote, 'main']);
    assert.match((await ok(['ls-remote', remote, 'main'])).stdout, /refs\/heads\/main/);
  });
});
