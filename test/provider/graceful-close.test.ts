// Closing the provider (what `tessera serve` does on SIGTERM or SIGINT, and the extension when it
// stops or restarts its embedded provider): the port is let go at once, so a new provider can bind
// it while this one ends; an open event stream is ended; the requests in flight — a git push held
// past authorization while the close begins — are answered, on a connection closed after the
// answer, and the push's record is written before the close ends.
import * as assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { promises as fsp } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { request } from 'undici';
import { git, hermeticGitEnv, runGit } from '../../bench/git-https/git-client';
import { createRepo } from '../builders/repos';
import { newSession } from '../builders/sessions';
import { openEventStream } from './helpers/event-stream';
import { startInProcessProvider, type InProcessProvider } from './helpers/in-process-provider';
import { RequestHolds, until } from './helpers/request-holds';

/** Binds `port` on 127.0.0.1 and lets it go again: resolves once bound, rejects with EADDRINUSE. */
function bindOnce(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve()));
  });
}

describe('closing the provider', function () {
  this.timeout(60_000);
  let tmp: string;
  let t: InProcessProvider | undefined;
  let app: FastifyInstance;
  const holds = new RequestHolds();
  // The test closes the app itself, to read the store before it is closed.
  const keepApp = (a: FastifyInstance) => void (app = a);

  beforeEach(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'tessera-graceful-close-'));
    t = await startInProcessProvider({ routes: [holds.install, keepApp] });
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    await fsp.rm(tmp, { recursive: true, force: true });
  });

  it('answers a git push in flight when the close begins, records it, and lets the port go at once', async () => {
    const p = t!;
    const s = await newSession(p);
    const repo = await createRepo(p, s.user, undefined, 'inflight', true);
    const env = hermeticGitEnv(path.join(tmp, 'home'), undefined);
    await fsp.mkdir(path.join(tmp, 'home'));
    const remote = p.provider.url.replace('http://', `http://git:${s.token}@`) + `/${s.user.login}/inflight.git`;
    const dir = path.join(tmp, 'clone');
    await git(['clone', '-q', remote, dir], { env });
    await fsp.writeFile(path.join(dir, 'a.txt'), 'a\n');
    await git(['add', '-A'], { cwd: dir, env });
    await git(['commit', '-q', '-m', 'first'], { cwd: dir, env });
    // An event stream open meanwhile is ended by the close, not waited for.
    const stream = await openEventStream(p.provider.url, s.token);
    assert.equal(stream.status, 200);
    const port = Number(new URL(p.provider.url).port);

    const h = holds.hold((r) => r.method === 'POST' && r.url.endsWith('/git-receive-pack'));
    try {
      const push = runGit(['push', 'origin', 'HEAD:main'], { cwd: dir, env });
      await until(() => h.arrived === 1);
      let closed = false;
      const closing = app.close().then(() => (closed = true));
      await stream.ended;
      // The close is under way, the push still held: the port is free for a new provider already.
      await bindOnce(port);
      assert.equal(closed, false, 'the close waits for the push in flight');
      h.release();
      const pushed = await push;
      assert.equal(pushed.code, 0, pushed.stderr);
      await closing;
      const record = await p.store.repositories.byId(repo.id);
      assert.ok(record?.pushedAt, 'the push was recorded before the close ended');
    } finally {
      h.release();
      await stream.close();
    }
  });

  it('answers a request in flight when the close begins, telling the client to close the connection', async () => {
    const p = t!;
    const s = await newSession(p);
    const h = holds.hold((r) => r.method === 'GET' && r.url.endsWith('/user'));
    try {
      const answer = request(`${p.provider.apiUrl}/user`, { headers: { authorization: `token ${s.token}`, 'user-agent': 'tessera-test' } });
      await until(() => h.arrived === 1);
      const closing = app.close();
      await until(() => !app.server.listening); // the close has begun
      h.release();
      const res = await answer;
      const body = (await res.body.json()) as { login: string };
      assert.equal(res.statusCode, 200);
      assert.equal(body.login, s.user.login);
      assert.equal(res.headers.connection, 'close', 'the client is told not to send another request on it');
      await closing;
    } finally {
      h.release();
    }
  });
});
