// The git http-backend bridge with the real git client over real HTTPS (a minimal HTTPS server
// of the bridge's own, no authentication: that is the route's job, tested separately).
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { BridgeServer, startBridgeServer } from '../../bench/git-https/bridge-server';
import { generateRepository } from '../../bench/git-https/generate-repo';
import { git, hermeticGitEnv, runGit } from '../../bench/git-https/git-client';
import { createBareRepository, repositoryPath } from '../../src/provider/git/bare-repos';
import type { GitHttpBackendResult } from '../../src/provider/git/http-backend-result';
import { ensureLocalCa, LocalCa } from '../../src/provider/tls/local-ca';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

function pkt(line: string): string {
  return (line.length + 4).toString(16).padStart(4, '0') + line;
}

function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string | number>; body?: Buffer; ca: string },
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: opts.method ?? 'GET', headers: opts.headers, ca: opts.ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('git http-backend bridge (real git over HTTPS)', function () {
  this.timeout(60_000);
  let tmp: string;
  let ca: LocalCa;
  let root: string;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let server: BridgeServer;
  let seen: Seen[];
  let results: Array<{ result: GitHttpBackendResult; url: string }>;
  let spawned: number[];

  before(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'tessera-git-bridge-'));
    ca = await ensureLocalCa(path.join(tmp, 'data'));
    root = path.join(tmp, 'repositories');
    home = path.join(tmp, 'home');
    await fsp.mkdir(home, { recursive: true });
    env = hermeticGitEnv(home, ca.caCertPath);
    await createBareRepository(root, 'acme', 'site');
    server = await startBridgeServer({
      root,
      tls: { cert: ca.certPem, key: ca.keyPem },
      backend: { onSpawn: (pid) => spawned.push(pid) },
      onRequest: (req) => seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers }),
      onResult: (result, req) => results.push({ result, url: req.url ?? '' }),
    });
  });
  beforeEach(() => {
    seen = [];
    results = [];
    spawned = [];
  });
  after(async () => {
    await server?.close();
    await fsp.rm(tmp, { recursive: true, force: true });
  });

  const remote = (owner = 'acme', repo = 'site') => `${server.url}/${owner}/${repo}.git`;

  it('clones an empty repository whose default branch is main', async () => {
    const dir = path.join(tmp, 'empty-clone');
    const r = await runGit(['clone', remote(), dir], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /cloned an empty repository/);
    assert.equal((await git(['symbolic-ref', 'HEAD'], { cwd: dir, env })).trim(), 'refs/heads/main');
    const refs = results.find((x) => x.url.includes('info/refs'));
    assert.ok(refs, 'info/refs went through the bridge');
    assert.equal(refs.result.status, 200);
    assert.equal(refs.result.service, 'upload-pack');
  });

  it('pushes a commit; a fresh clone sees it; fetch and pull bring later pushes', async () => {
    const a = path.join(tmp, 'a');
    await git(['clone', remote(), a], { env });
    await fsp.writeFile(path.join(a, 'README.md'), '# site\n');
    await git(['add', 'README.md'], { cwd: a, env });
    await git(['commit', '-m', 'first commit'], { cwd: a, env });
    const push = await runGit(['push', 'origin', 'main'], { cwd: a, env });
    assert.equal(push.code, 0, push.stderr);
    const first = (await git(['rev-parse', 'HEAD'], { cwd: a, env })).trim();
    assert.equal((await git(['rev-parse', 'refs/heads/main'], { cwd: repositoryPath(root, 'acme', 'site'), env })).trim(), first);
    const receive = results.find((x) => x.url.endsWith('/git-receive-pack'));
    assert.ok(receive && receive.result.status === 200 && receive.result.service === 'receive-pack');
    assert.ok(receive.result.bytesIn > 0 && receive.result.bytesOut > 0);

    const b = path.join(tmp, 'b');
    await git(['clone', remote(), b], { env });
    assert.equal((await git(['log', '-1', '--format=%s'], { cwd: b, env })).trim(), 'first commit');
    assert.equal(await fsp.readFile(path.join(b, 'README.md'), 'utf8'), '# site\n');

    await fsp.writeFile(path.join(a, 'page.html'), '<p>hi</p>\n');
    await git(['add', 'page.html'], { cwd: a, env });
    await git(['commit', '-m', 'second commit'], { cwd: a, env });
    await git(['push'], { cwd: a, env });
    const second = (await git(['rev-parse', 'HEAD'], { cwd: a, env })).trim();
    const fetch = await runGit(['fetch', 'origin'], { cwd: b, env });
    assert.equal(fetch.code, 0, fetch.stderr);
    assert.equal((await git(['rev-parse', 'origin/main'], { cwd: b, env })).trim(), second);
    await git(['pull', '--ff-only'], { cwd: b, env });
    assert.equal(await fsp.readFile(path.join(b, 'page.html'), 'utf8'), '<p>hi</p>\n');

    // A force push (non-fast-forward) is allowed, as on GitHub.
    await git(['reset', '--hard', first], { cwd: a, env });
    await git(['commit', '--allow-empty', '-m', 'rewritten'], { cwd: a, env });
    const force = await runGit(['push', '--force', 'origin', 'main'], { cwd: a, env });
    assert.equal(force.code, 0, force.stderr);
    assert.match(force.stderr, /forced update/);
  });

  it('speaks protocol v2 (Git-Protocol header reaches git) and v0', async () => {
    const v2 = await runGit(['-c', 'protocol.version=2', 'ls-remote', remote()], { env });
    assert.equal(v2.code, 0, v2.stderr);
    assert.match(v2.stdout, /\trefs\/heads\/main\n/);
    const v2req = seen.find((s) => s.url.includes('info/refs'));
    assert.equal(v2req?.headers['git-protocol'], 'version=2');
    seen = [];
    const v0 = await runGit(['-c', 'protocol.version=0', 'ls-remote', remote()], { env });
    assert.equal(v0.code, 0, v0.stderr);
    assert.equal(v0.stdout, v2.stdout);
    assert.equal(seen.find((s) => s.url.includes('info/refs'))?.headers['git-protocol'], undefined);
  });

  it('accepts gzip-compressed request bodies: git\'s own (many refs) and a crafted one', async () => {
    // 120 branches: git's upload-pack request lists them all and is gzip-compressed (> 1 KiB).
    await createBareRepository(root, 'acme', 'branches');
    await generateRepository(repositoryPath(root, 'acme', 'branches'), { commits: 120, randomBytesPerCommit: 0, extraBranches: 120, env });
    seen = [];
    const clone = path.join(tmp, 'many-branches');
    const r = await runGit(['-c', 'protocol.version=0', 'clone', '--mirror', remote('acme', 'branches'), clone], { env });
    assert.equal(r.code, 0, r.stderr);
    const gz = seen.find((s) => s.method === 'POST' && s.headers['content-encoding'] === 'gzip');
    assert.ok(gz, `git sent a gzip body (saw ${JSON.stringify(seen.map((s) => [s.method, s.url, s.headers['content-encoding']]))})`);
    const branches = (await git(['for-each-ref', '--format=%(refname)', 'refs/heads/'], { cwd: clone, env })).trim().split('\n');
    assert.equal(branches.filter((b) => b.startsWith('refs/heads/feature-')).length, 120);
    assert.equal(
      (await git(['rev-parse', 'refs/heads/feature-007'], { cwd: clone, env })).trim(),
      (await git(['rev-parse', 'refs/heads/feature-007'], { cwd: repositoryPath(root, 'acme', 'branches'), env })).trim(),
    );

    // A hand-made gzip upload-pack request (protocol v0): want main, done → NAK + a pack.
    const head = (await git(['rev-parse', 'refs/heads/main'], { cwd: repositoryPath(root, 'acme', 'site'), env })).trim();
    const body = zlib.gzipSync(Buffer.from(pkt(`want ${head}\n`) + '0000' + pkt('done\n')));
    const res = await request(`${remote()}/git-upload-pack`, {
      method: 'POST',
      ca: ca.caCertPem,
      headers: { 'Content-Type': 'application/x-git-upload-pack-request', 'Content-Encoding': 'gzip', 'Content-Length': body.length },
      body,
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/x-git-upload-pack-result');
    assert.equal(res.body.subarray(0, 8).toString(), '0008NAK\n');
    assert.equal(res.body.subarray(8, 12).toString(), 'PACK');
    // The same request uncompressed but claiming gzip: git refuses it (no pack), the bridge carries on.
    const bad = await request(`${remote()}/git-upload-pack`, {
      method: 'POST',
      ca: ca.caCertPem,
      headers: { 'Content-Type': 'application/x-git-upload-pack-request', 'Content-Encoding': 'gzip' },
      body: Buffer.from(pkt(`want ${head}\n`) + '0000' + pkt('done\n')),
    });
    assert.equal(bad.body.includes('PACK'), false);
    const after = await runGit(['ls-remote', remote()], { env });
    assert.equal(after.code, 0, after.stderr);
  });

  it('streams a large push sent with chunked transfer encoding', async () => {
    await createBareRepository(root, 'acme', 'big');
    const work = path.join(tmp, 'big-work');
    await git(['clone', remote('acme', 'big'), work], { env });
    await fsp.writeFile(path.join(work, 'blob.bin'), crypto.randomBytes(6 * 1024 * 1024));
    await git(['add', 'blob.bin'], { cwd: work, env });
    await git(['commit', '-m', 'big blob'], { cwd: work, env });
    const push = await runGit(['push', 'origin', 'main'], { cwd: work, env });
    assert.equal(push.code, 0, push.stderr);
    // git first probes with a 4-byte "0000" POST, then streams the pack in chunks.
    const posts = seen.filter((s) => s.method === 'POST' && s.url.endsWith('/git-receive-pack'));
    assert.ok(
      posts.some((p) => p.headers['transfer-encoding'] === 'chunked' && p.headers['content-length'] === undefined),
      'a pack larger than http.postBuffer is streamed in chunks',
    );
    const receives = results.filter((x) => x.url.endsWith('/git-receive-pack')).map((x) => x.result);
    assert.ok(receives.some((r) => r.status === 200 && r.bytesIn > 6 * 1024 * 1024), JSON.stringify(receives.map((r) => r.bytesIn)));
    const check = path.join(tmp, 'big-check');
    await git(['clone', remote('acme', 'big'), check], { env });
    assert.equal((await fsp.stat(path.join(check, 'blob.bin'))).size, 6 * 1024 * 1024);
  });

  it('answers 404 for a repository that does not exist, and for paths outside git smart HTTP', async () => {
    const r = await runGit(['ls-remote', remote('acme', 'nope')], { env });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /not found/i);
    const traversal = await request(`${server.url}/acme/..%2f..%2fetc.git/info/refs?service=git-upload-pack`, { ca: ca.caCertPem });
    assert.equal(traversal.status, 404);
    const dumb = await request(`${remote()}/HEAD`, { ca: ca.caCertPem });
    assert.equal(dumb.status, 404);
    const noService = await request(`${remote()}/info/refs`, { ca: ca.caCertPem });
    assert.equal(noService.status, 403);
  });

  it('answers 502 JSON when git http-backend cannot be started', async () => {
    const broken = await startBridgeServer({ root, tls: { cert: ca.certPem, key: ca.keyPem }, backend: { gitBinary: path.join(tmp, 'no-such-git') } });
    try {
      const res = await request(`${broken.url}/acme/site.git/info/refs?service=git-upload-pack`, { ca: ca.caCertPem });
      assert.equal(res.status, 502);
      assert.match(String(res.headers['content-type']), /application\/json/);
      assert.match(JSON.parse(res.body.toString()).message, /git http-backend/);
    } finally {
      await broken.close();
    }
  });

  it('parses the CGI answer (Status, headers, CRLF or LF) and answers 502 for output that is no CGI answer', async () => {
    // Stand-in CGI programs (the bridge runs `<gitBinary> http-backend`) to exercise the parser.
    const cases: Array<{ script: string; check: (res: { status: number; headers: IncomingHttpHeaders; body: Buffer }) => void }> = [
      {
        script: `printf 'Status: 418 Teapot\\r\\nContent-Type: text/plain\\r\\nX-Test: 1\\r\\n\\r\\nshort and stout'`,
        check: (res) => {
          assert.equal(res.status, 418);
          assert.equal(res.headers['x-test'], '1');
          assert.equal(res.body.toString(), 'short and stout');
        },
      },
      {
        script: `printf 'Content-Type: text/plain\\n\\nlf only'`,
        check: (res) => {
          assert.equal(res.status, 200);
          assert.equal(res.body.toString(), 'lf only');
        },
      },
      {
        script: `head -c 100000 /dev/zero | tr '\\0' x`,
        check: (res) => {
          assert.equal(res.status, 502);
          assert.match(JSON.parse(res.body.toString()).message, /no valid CGI header/);
        },
      },
      {
        script: `printf 'not a header line\\r\\n\\r\\nbody'; head -c 200000 /dev/zero`,
        check: (res) => {
          assert.equal(res.status, 502);
          assert.match(JSON.parse(res.body.toString()).message, /invalid CGI header/);
        },
      },
      {
        script: 'exit 3',
        check: (res) => {
          assert.equal(res.status, 502);
          assert.match(JSON.parse(res.body.toString()).message, /ended without an answer/);
        },
      },
    ];
    for (const [i, c] of cases.entries()) {
      const fake = path.join(tmp, `fake-cgi-${i}.sh`);
      await fsp.writeFile(fake, `#!/bin/sh\ncat > /dev/null\n${c.script}\n`, { mode: 0o755 });
      const srv = await startBridgeServer({ root, tls: { cert: ca.certPem, key: ca.keyPem }, backend: { gitBinary: fake } });
      try {
        c.check(await request(`${srv.url}/acme/site.git/info/refs?service=git-upload-pack`, { ca: ca.caCertPem }));
      } finally {
        await srv.close();
      }
    }
  });

  it('kills git (its whole process group) when the client goes away mid-response', async () => {
    await createBareRepository(root, 'acme', 'huge');
    const bare = repositoryPath(root, 'acme', 'huge');
    const { head } = await generateRepository(bare, { commits: 40, randomBytesPerCommit: 1024 * 1024, env });
    const body = Buffer.from(pkt(`want ${head}\n`) + '0000' + pkt('done\n'));
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      const req = https.request(
        `${remote('acme', 'huge')}/git-upload-pack`,
        {
          method: 'POST',
          ca: ca.caCertPem,
          agent: false,
          headers: { 'Content-Type': 'application/x-git-upload-pack-request', 'Content-Length': body.length },
        },
        (res: IncomingMessage) => {
          assert.equal(res.statusCode, 200);
          res.once('data', (chunk: Buffer) => {
            received += chunk.length;
            req.destroy(); // the client hangs up after the first bytes of a ~40 MB pack
            resolve();
          });
        },
      );
      req.on('error', (err) => {
        if (received === 0) reject(err);
      });
      req.end(body);
    });
    await waitFor('the bridge to finish', () => results.some((x) => x.url.endsWith('/git-upload-pack')));
    const result = results.find((x) => x.url.endsWith('/git-upload-pack'))!.result;
    assert.equal(result.aborted, true);
    assert.ok(result.bytesOut < 40 * 1024 * 1024, `sent ${result.bytesOut} bytes only`);
    assert.equal(spawned.length, 1);
    await waitFor('git http-backend and its children to exit', () => !processGroupAlive(spawned[0]));
  });

  it('ends git when the client goes away in the middle of uploading a pack, leaving no quarantined objects or lock files', async () => {
    await createBareRepository(root, 'acme', 'upload');
    const req = https.request(`${remote('acme', 'upload')}/git-receive-pack`, {
      method: 'POST',
      ca: ca.caCertPem,
      agent: false,
      headers: { 'Content-Type': 'application/x-git-receive-pack-request', 'Transfer-Encoding': 'chunked' },
    });
    req.on('error', () => undefined);
    // The start of a push: one ref update, then the beginning of a pack that never ends.
    const zero = '0'.repeat(40);
    req.write(pkt(`${zero} ${'1'.repeat(40)} refs/heads/main\0report-status\n`) + '0000');
    // A valid pack header and the first quarter of a 1 MiB blob's deflated data: git waits for more.
    const blob = crypto.randomBytes(1024 * 1024);
    const header = [((3 << 4) | (blob.length & 0x0f)) | 0x80];
    for (let size = blob.length >> 4; size > 0; size >>= 7) header.push((size & 0x7f) | (size >> 7 ? 0x80 : 0));
    const deflated = zlib.deflateSync(blob);
    req.write(Buffer.concat([Buffer.from('PACK\0\0\0\x02\0\0\0\x01', 'latin1'), Buffer.from(header), deflated.subarray(0, deflated.length / 4)]));
    await waitFor('git http-backend to start', () => spawned.length === 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(processGroupAlive(spawned[0]), true, 'git waits for the rest of the pack');
    req.destroy();
    await waitFor('the bridge to finish', () => results.some((x) => x.url.endsWith('/git-receive-pack')));
    const result = results.find((x) => x.url.endsWith('/git-receive-pack'))!.result;
    assert.equal(result.aborted, true);
    assert.ok(result.bytesIn > 200 * 1024, `received ${result.bytesIn} bytes`);
    await waitFor('git http-backend and its children to exit', () => !processGroupAlive(spawned[0]));
    assert.equal((await git(['for-each-ref'], { cwd: repositoryPath(root, 'acme', 'upload'), env })).trim(), '', 'no ref was updated');
    const left = (await fsp.readdir(repositoryPath(root, 'acme', 'upload'), { recursive: true })).filter((f) => /tmp_objdir|tmp_pack|\.lock$/.test(f));
    assert.deepEqual(left, [], 'receive-pack removed its quarantine (the objects of the unfinished pack)');
  });
});
