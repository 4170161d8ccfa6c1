// A gzip-compressed smart-HTTP request body is inflated by the provider within a limit before git
// reads it: a small body that inflates to many MiB of protocol lines (which upload-pack would keep
// in memory, for anyone fetching a public repository) is refused; git's own compressed fetch goes
// through; a body labelled gzip that is not is refused. A push's ref update commands, plain, are
// bounded too. Each refusal is said in git's protocol (an ERR line for a fetch, side band 3 or the
// report's unpack line for a push), which the real git client shows its user.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { hermeticGitEnv, runGit } from '../../bench/git-https/git-client';
import { MAX_INFLATED_FETCH_BYTES, PUSH_COMMANDS_ALLOWANCE_BYTES } from '../../src/provider/git/request-body';
import { callAs } from '../builders/callers';
import { newSession, type Session } from '../builders/sessions';
import { startTestProvider, TestProvider } from './helpers/provider';

function pkt(line: string): string {
  return (line.length + 4).toString(16).padStart(4, '0') + line;
}

const GZIP_FETCH = { 'Content-Type': 'application/x-git-upload-pack-request', 'Content-Encoding': 'gzip' };

function post(url: string, body: Buffer, headers: Record<string, string> = GZIP_FETCH): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent: false, headers: { ...headers, 'Content-Length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe("git: request bodies are bounded before git reads them (a gzip body's inflation, a push's commands)", function () {
  this.timeout(60_000);
  let t: TestProvider;
  let alice: Session;
  let rpc: string;
  let head: string;

  before(async () => {
    t = await startTestProvider();
    alice = await newSession(t);
    await callAs(t, alice, 'POST', '/user/repos', { name: 'public-site', private: false, auto_init: true });
    const branch = await callAs(t, alice, 'GET', `/repos/${alice.user.login}/public-site/branches/main`);
    head = branch.commit.sha;
    rpc = `${t.provider.url}/${alice.user.login}/public-site.git/git-upload-pack`;
  });
  after(async () => {
    await t?.close();
  });

  it("an anonymous fetch whose small gzip body inflates past the limit is refused (an ERR line git shows) before git reads it; git's own kind of request goes through", async () => {
    const line = pkt('deepen-not main\n');
    const lines = Math.ceil((2 * MAX_INFLATED_FETCH_BYTES) / line.length);
    const bomb = zlib.gzipSync(Buffer.from(pkt(`want ${head}\n`) + line.repeat(lines) + '0000' + pkt('done\n')), { level: 9 });
    assert.ok(bomb.length < MAX_INFLATED_FETCH_BYTES / 100, `a small body (${bomb.length} bytes)`);
    const refused = await post(rpc, bomb);
    assert.equal(refused.status, 200, refused.body.toString('utf8', 0, 200));
    assert.match(refused.body.toString(), /^[0-9a-f]{4}ERR Request refused: the gzip-compressed request body inflates to more than \d+ bytes\. Fetch fewer refs at once\.\n$/);

    const fetched = await post(rpc, zlib.gzipSync(Buffer.from(pkt(`want ${head}\n`) + '0000' + pkt('done\n'))));
    assert.equal(fetched.status, 200);
    assert.equal(fetched.body.subarray(0, 8).toString(), '0008NAK\n');
    assert.equal(fetched.body.subarray(8, 12).toString(), 'PACK');
  });

  it("a push whose ref update commands pass the limit is refused naming them (the report's unpack line), and git updates nothing; a push of a few goes through", async () => {
    const push = (body: Buffer) =>
      post(`${t.provider.url}/${alice.user.login}/public-site.git/git-receive-pack`, body, {
        'Content-Type': 'application/x-git-receive-pack-request',
        Authorization: 'Basic ' + Buffer.from(`${alice.user.login}:${alice.token}`).toString('base64'),
      });
    const create = (name: string, first: boolean) => pkt(`${'0'.repeat(40)} ${head} refs/heads/${name}${first ? '\0report-status' : ''}\n`);
    const header = Buffer.from([0, 0, 0, 2, 0, 0, 0, 0]);
    const emptyPack = Buffer.concat([Buffer.from('PACK'), header]);
    const pack = Buffer.concat([emptyPack, createHash('sha1').update(emptyPack).digest()]);
    const commands = (count: number) => Array.from({ length: count }, (_, i) => create(`many-${String(i).padStart(6, '0')}`, i === 0)).join('');

    const line = create('many-000000', false).length;
    const tooMany = Math.ceil(PUSH_COMMANDS_ALLOWANCE_BYTES / line) + 1;
    const refused = await push(Buffer.concat([Buffer.from(commands(tooMany) + '0000'), pack]));
    assert.equal(refused.status, 200, refused.body.toString('utf8', 0, 200));
    // Asked for report-status without a side band: the refusal is the report's unpack line.
    assert.match(refused.body.toString(), /^[0-9a-f]{4}unpack Push refused: it updates too many refs at once \(its ref update commands take more than \d+ bytes\)/);
    assert.ok(refused.body.toString().endsWith('\n0000'), refused.body.toString());

    const few = await push(Buffer.concat([Buffer.from(commands(3) + '0000'), pack]));
    assert.equal(few.status, 200, few.body.toString('utf8', 0, 200));
    assert.match(few.body.toString(), /ok refs\/heads\/many-000002/);
    const branches = await callAs(t, alice, 'GET', `/repos/${alice.user.login}/public-site/branches?per_page=100`);
    assert.deepEqual(
      (branches as { name: string }[]).map((b) => b.name).sort(),
      ['main', 'many-000000', 'many-000001', 'many-000002'],
      'the refused push made no branch',
    );
  });

  it('a body labelled gzip that is not gzip is refused naming the encoding', async () => {
    const res = await post(rpc, Buffer.from(pkt(`want ${head}\n`) + '0000' + pkt('done\n')));
    assert.equal(res.status, 200, res.body.toString());
    assert.match(res.body.toString(), /^[0-9a-f]{4}ERR the request body is not valid gzip/);
  });

  it('real git pushing refs whose commands pass the limit shows its user why and what to do, and nothing is updated', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'tessera-push-commands-'));
    try {
      const work = path.join(tmp, 'work');
      await mkdir(path.join(tmp, 'home'));
      const env = hermeticGitEnv(path.join(tmp, 'home'), undefined);
      await runGit(['init', '-q', work], { env });
      const fetched = await runGit(['fetch', '-q', rpc.replace(/\/git-upload-pack$/, ''), 'main'], { cwd: work, env });
      assert.equal(fetched.code, 0, fetched.stderr);
      // Long names make few refs (git matches refspecs slowly over many): their commands pass the limit.
      const name = 'x'.repeat(30_000);
      const count = Math.ceil(PUSH_COMMANDS_ALLOWANCE_BYTES / name.length) + 10;
      const refs = Array.from({ length: count }, (_, i) => `${head} refs/heads/${name}/${String(i).padStart(4, '0')}\n`).join('');
      await writeFile(path.join(work, '.git', 'packed-refs'), `# pack-refs with: peeled fully-peeled sorted\n${refs}`);
      const remote = t.provider.url.replace('http://', `http://${alice.user.login}:${alice.token}@`) + `/${alice.user.login}/public-site.git`;
      const pushed = await runGit(['push', remote, 'refs/heads/*:refs/heads/*'], { cwd: work, env });
      const stderr = pushed.stderr.replaceAll(alice.token, '***').replaceAll(name, '…');
      assert.notEqual(pushed.code, 0, stderr);
      assert.match(stderr, /^remote: Push refused: it updates too many refs at once \(its ref update commands take more than \d+ bytes\); nothing was updated\. Push the refs in smaller batches, e\.g\. one refspec pattern per push\.$/m, stderr);
      assert.doesNotMatch(stderr, /RPC failed/, stderr);
      const branches = await callAs(t, alice, 'GET', `/repos/${alice.user.login}/public-site/branches?per_page=100`);
      assert.ok(!(branches as { name: string }[]).some((b) => b.name.startsWith(name.slice(0, 100))), 'no branch of the refused push');
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
