// A git push holds its repository's push lock from the moment git starts until it has ended: a
// rename or delete meanwhile waits for it, and refuses (409, saying why) when it still runs after
// the lock timeout — the bare repository stays where git writes, and the push lands in the
// repository that is still there. Without it, the delete moved the bare repository aside while git
// wrote into it: the push "succeeded" into a folder that was then removed. Once the push has
// ended, the delete goes through. The body of the push is held half-sent, so that it overlaps for
// certain (git http-backend started, waiting for the pack).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import * as https from 'node:https';
import { git } from '../../bench/git-https/git-client';
import { defaultRepositoriesRoot, repositoryPath } from '../../src/provider/git/bare-repos';
import { PUSH_UNDER_WAY_MESSAGE } from '../../src/provider/repos/repository-service';
import { createClassicToken } from '../builders/tokens';
import { backendStarted } from './helpers/git-backend-started';
import { useGitFixture } from './helpers/git-fixture';

describe('a git push against a rename or delete of its repository', function () {
  this.timeout(60_000);
  const f = useGitFixture('tessera-git-push-lock-');
  let caPem: string;
  before(async () => {
    caPem = await readFile(f.p.caCertPath, 'utf8');
  });

  /** A push of one new commit to `main` of alice/`name`, its commands sent and its pack held back until `finish`. */
  async function heldPush(name: string): Promise<{ sha: string; finish(): Promise<{ status: number; body: string }> }> {
    const { p, alice } = f;
    const t = await createClassicToken(p, alice, { name: `push ${name}`, scopes: ['repo'] });
    const c = await f.cloneTo(t.token, `alice/${name}`);
    assert.equal(c.code, 0, c.stderr);
    await git(['commit', '-q', '--allow-empty', '-m', 'pushed while a rename or delete was asked'], { cwd: c.dir, env: f.env });
    const sha = (await git(['rev-parse', 'HEAD'], { cwd: c.dir, env: f.env })).trim();
    const pack = await new Promise<Buffer>((resolve, reject) => {
      const child = execFile('git', ['pack-objects', '--stdout', '--revs', '-q'], { cwd: c.dir, env: f.env, encoding: 'buffer' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
      child.stdin?.end(`${sha}\n`);
    });
    const command = `${'0'.repeat(40)} ${sha} refs/heads/main\0report-status\n`;
    const commands = Buffer.from((command.length + 4).toString(16).padStart(4, '0') + command + '0000');
    const started = backendStarted();
    const req = https.request(`${p.url}/alice/${name}.git/git-receive-pack`, {
      method: 'POST',
      ca: caPem,
      agent: false,
      headers: {
        'Content-Type': 'application/x-git-receive-pack-request',
        'Content-Length': commands.length + pack.length,
        Authorization: 'Basic ' + Buffer.from(`alice:${t.token}`).toString('base64'),
      },
    });
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('error', reject);
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') }));
        res.on('error', reject);
      });
    });
    req.write(commands);
    await started;
    return {
      sha,
      finish: () => {
        req.end(pack);
        return answered;
      },
    };
  }

  const onDisk = (name: string) => existsSync(repositoryPath(defaultRepositoriesRoot(f.p.dataDir), 'alice', name));

  it('a delete or rename while a push runs is refused (409), the push lands, and the delete goes through once it has ended', async () => {
    const { p, alice } = f;
    const basic = { login: alice.login, password: alice.password };
    await f.createRepo(alice, 'pushed-into', true);
    const push = await heldPush('pushed-into');

    const del = await p.api.call('DELETE', '/repos/alice/pushed-into', { basic });
    assert.equal(del.status, 409, del.text);
    assert.equal(del.json.message, PUSH_UNDER_WAY_MESSAGE);
    const rename = await p.api.call('PATCH', '/repos/alice/pushed-into', { basic, body: { name: 'renamed-away' } });
    assert.equal(rename.status, 409, rename.text);
    assert.equal(rename.json.message, PUSH_UNDER_WAY_MESSAGE);
    assert.ok(onDisk('pushed-into') && !onDisk('renamed-away'), 'the bare repository stayed where git writes');

    const pushed = await push.finish();
    assert.equal(pushed.status, 200, pushed.body);
    assert.match(pushed.body, /ok refs\/heads\/main/, pushed.body);
    assert.equal(await f.serverHead('alice', 'pushed-into'), push.sha, 'the push landed in the repository');
    const repo = await p.api.call('GET', '/repos/alice/pushed-into', { basic });
    assert.equal(repo.status, 200, repo.text);

    const after = await p.api.call('DELETE', '/repos/alice/pushed-into', { basic });
    assert.equal(after.status, 204, after.text);
    assert.ok(!onDisk('pushed-into'), 'the bare repository is gone with its record');
  });
});
