// Who can reach the provider and how long they may hold it: a Host the provider does not serve
// (a DNS-rebinding page) and a foreign browser Origin are refused before anything else, on the
// API and git alike; an API body that trickles is cut off at its deadline while
// git's body is not; connections beyond the cap are closed. Raw HTTP over node:http and node:net,
// so the Host, Origin and timing are exactly what the test says.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { parseServeArgs } from '../../src/provider/cli';
import { createUser } from '../builders/users';
import { newSession } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { createRepo } from '../builders/repos';
import { startTestProvider, TestProvider } from './helpers/provider';

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(t: TestProvider, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawAnswer> {
  const url = new URL(t.provider.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: Number(url.port), method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function portOf(t: TestProvider): number {
  return Number(new URL(t.provider.url).port);
}

/** A raw connection; resolves with everything the server sent once it closes the connection. */
function rawConnection(t: TestProvider): { socket: net.Socket; closed: Promise<string> } {
  const socket = net.connect(portOf(t), '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (c: string) => (received += c));
  const closed = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(received));
    socket.on('error', () => undefined); // a reset also ends it
  });
  return { socket, closed };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('network exposure: Host and Origin', () => {
  let t: TestProvider;
  beforeEach(async () => {
    t = await startTestProvider();
  });
  afterEach(async () => {
    await t.close();
  });

  const signUp = (login: string) => JSON.stringify({ login, email: `${login}@example.test`, password: 'a-long-enough-password-1' });

  it('refuses a request for another Host (DNS rebinding): the first user is not created through it', async () => {
    const port = portOf(t);
    const rebound = await send(t, 'POST', '/api/v3/users', { host: `attacker.example:${port}`, 'content-type': 'application/json' }, signUp('mallory'));
    assert.equal(rebound.status, 421, rebound.body);
    assert.match(JSON.parse(rebound.body).message, /Host/);
    assert.match(JSON.parse(rebound.body).message, /attacker\.example/);
    // The first account made the right way is still the site admin: the refused one made nothing.
    const first = await createUser(t);
    assert.equal(first.siteAdmin, true);
    const login = await send(t, 'GET', '/api/v3/users/mallory', { host: `127.0.0.1:${port}` });
    assert.equal(login.status, 404);
  });

  it('refuses a foreign browser Origin (403, no CORS headers) and serves the provider’s own', async () => {
    const port = portOf(t);
    const foreign = await send(t, 'POST', '/api/v3/users', { host: `127.0.0.1:${port}`, origin: 'https://evil.example', 'content-type': 'application/json' }, signUp('eve'));
    assert.equal(foreign.status, 403, foreign.body);
    assert.match(JSON.parse(foreign.body).message, /Origin/);
    assert.equal(foreign.headers['access-control-allow-origin'], undefined);
    const nullOrigin = await send(t, 'GET', '/-/health', { host: `127.0.0.1:${port}`, origin: 'null' });
    assert.equal(nullOrigin.status, 403);
    // The page at the rebound name itself: the Host already refuses it.
    const rebound = await send(t, 'GET', '/-/health', { host: `attacker.example:${port}`, origin: `http://attacker.example:${port}` });
    assert.equal(rebound.status, 421);
    const own = await send(t, 'GET', '/-/health', { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` });
    assert.equal(own.status, 200, own.body);
    assert.equal(own.headers['access-control-allow-origin'], undefined);
  });

  it('serves the loopback names with the port, and nothing else', async () => {
    const port = portOf(t);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      assert.equal((await send(t, 'GET', '/-/health', { host })).status, 200, host);
    }
    for (const host of ['127.0.0.1', `127.0.0.1:${port + 1}`, `localhost.:${port}`, `127.0.0.2:${port}`, `tessera.localhost:${port}`]) {
      assert.equal((await send(t, 'GET', '/-/health', { host })).status, 421, JSON.stringify(host));
    }
    // HTTP/1.0 may leave the Host out: refused as well.
    const { socket, closed } = rawConnection(t);
    socket.write('GET /-/health HTTP/1.0\r\n\r\n');
    assert.match(await closed, /^HTTP\/1\.1 421 .*[\s\S]*no Host header/);
  });

  it('refuses another Host on git routes and on the API, with or without a token', async () => {
    const port = portOf(t);
    const s = await newSession(t);
    await createRepo(t, s, undefined, 'site');
    const basic = `Basic ${Buffer.from(`${s.user.login}:${s.token}`).toString('base64')}`;
    const refs = `/${s.user.login}/site.git/info/refs?service=git-upload-pack`;
    const good = await send(t, 'GET', refs, { host: `127.0.0.1:${port}`, authorization: basic });
    assert.equal(good.status, 200);
    const bad = await send(t, 'GET', refs, { host: `attacker.example:${port}`, authorization: basic });
    assert.equal(bad.status, 421);
    assert.match(bad.body, /Host/);

    const auth = `token ${s.token}`;
    for (let i = 0; i < 3; i++) assert.equal((await send(t, 'GET', '/api/v3/user', { host: `127.0.0.1:${port}`, authorization: auth })).status, 200);
    const api = await send(t, 'GET', '/api/v3/user', { host: `attacker.example:${port}`, authorization: auth });
    assert.equal(api.status, 421, api.body);
    assert.ok(!api.body.includes(s.user.login), 'no user data for another Host');
    const apiOrigin = await send(t, 'GET', '/api/v3/user', { host: `127.0.0.1:${port}`, origin: 'https://evil.example', authorization: auth });
    assert.equal(apiOrigin.status, 403, apiOrigin.body);
  });
});

describe('network exposure: a team server’s public host names', () => {
  it('serves --public-host names (with the port, or without one behind a proxy) and still refuses others', async () => {
    const t = await startTestProvider({ publicHosts: ['Tessera.Team.Example', 'proxy.example:8443'] });
    try {
      const port = portOf(t);
      for (const host of [`tessera.team.example:${port}`, 'tessera.team.example', 'proxy.example:8443', `127.0.0.1:${port}`]) {
        assert.equal((await send(t, 'GET', '/-/health', { host })).status, 200, host);
      }
      for (const host of [`other.example:${port}`, `proxy.example:${port}`, 'proxy.example', `team.example:${port}`]) {
        assert.equal((await send(t, 'GET', '/-/health', { host })).status, 421, host);
      }
      const own = await send(t, 'GET', '/-/health', { host: 'tessera.team.example', origin: 'http://tessera.team.example' });
      assert.equal(own.status, 200);
      // the answers name the server by its first public host (with the port it listens on), not by 127.0.0.1
      const discovery = await send(t, 'GET', '/api/v3/', { host: `tessera.team.example:${port}` });
      assert.equal(JSON.parse(discovery.body).current_user_url, `http://tessera.team.example:${port}/api/v3/user`);
    } finally {
      await t.close();
    }
  });

  it('--public-url (behind a TLS-terminating proxy): its host is served, its origin is the answers\' and an Origin of its own', async () => {
    const t = await startTestProvider({ publicUrl: 'https://tessera.example.com' });
    try {
      const discovery = await send(t, 'GET', '/api/v3/', { host: 'tessera.example.com', origin: 'https://tessera.example.com' });
      assert.equal(discovery.status, 200, discovery.body);
      assert.equal(JSON.parse(discovery.body).current_user_url, 'https://tessera.example.com/api/v3/user');
      const s = await newSession(t);
      const repo = await createRepo(t, s, undefined, 'named-publicly');
      const read = await t.api.get(`/repos/${repo.full_name}`, { token: s.token });
      assert.equal(read.json.clone_url, `https://tessera.example.com/${repo.full_name}.git`);
      assert.equal((await send(t, 'GET', '/-/health', { host: 'other.example' })).status, 421);
    } finally {
      await t.close();
    }
  });
});

describe('network exposure: deadlines and the connection cap', () => {
  it('cuts off an API body that trickles (408 or a closed connection) at the API body deadline', async () => {
    const t = await startTestProvider({ limits: { apiBodyTimeoutMs: 500 } });
    const { socket, closed } = rawConnection(t);
    const drip = setInterval(() => socket.writable && socket.write('{'), 100);
    try {
      socket.write(`POST /api/v3/users HTTP/1.1\r\nHost: 127.0.0.1:${portOf(t)}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
      const answer = await closed; // the test's timeout is the bound: without a deadline this never ends
      assert.ok(answer === '' || answer.startsWith('HTTP/1.1 408'), answer);
      if (answer) assert.match(answer, /did not arrive/);
    } finally {
      clearInterval(drip);
      socket.destroy();
      await t.close();
    }
  });

  it('closes the connection of a trickling body whose request was answered early (401 before the body)', async () => {
    const t = await startTestProvider({ limits: { apiBodyTimeoutMs: 500 } });
    const { socket, closed } = rawConnection(t);
    const drip = setInterval(() => socket.writable && socket.write('{'), 100);
    try {
      socket.write(`POST /api/v3/user/repos HTTP/1.1\r\nHost: 127.0.0.1:${portOf(t)}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
      const answer = await closed;
      assert.match(answer, /^HTTP\/1\.1 401/, answer);
    } finally {
      clearInterval(drip);
      socket.destroy();
      await t.close();
    }
  });

  it('keeps the body deadline for a git push it refuses: a trickling receive-pack body answered 401 is closed at the deadline', async () => {
    const t = await startTestProvider({ limits: { apiBodyTimeoutMs: 500 } });
    const { socket, closed } = rawConnection(t);
    const drip = setInterval(() => socket.writable && socket.write('0'), 100);
    try {
      socket.write(
        `POST /someone/private.git/git-receive-pack HTTP/1.1\r\nHost: 127.0.0.1:${portOf(t)}\r\n` +
          'Content-Type: application/x-git-receive-pack-request\r\nContent-Length: 100000\r\n\r\n',
      );
      const answer = await closed;
      assert.match(answer, /^HTTP\/1\.1 401/, answer.slice(0, 200));
    } finally {
      clearInterval(drip);
      socket.destroy();
      await t.close();
    }
  });

  it('cuts off a request whose headers trickle', async () => {
    const t = await startTestProvider({ limits: { headersTimeoutMs: 500 } });
    const { socket, closed } = rawConnection(t);
    socket.write(`GET /-/health HTTP/1.1\r\nHost: 127.0.0.1:${portOf(t)}\r\n`);
    const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
    try {
      const answer = await closed;
      assert.ok(answer === '' || answer.startsWith('HTTP/1.1 408'), answer);
    } finally {
      clearInterval(drip);
      socket.destroy();
      await t.close();
    }
  });

  it('gives a git body more than the API body deadline: a receive-pack body sent in two halves is answered', async () => {
    const apiBodyTimeoutMs = 300;
    const t = await startTestProvider({ limits: { apiBodyTimeoutMs } });
    try {
      const user = await createUser(t);
      const pat = await createClassicToken(t, user, { scopes: ['repo'] });
      const repo = await t.api.post('/user/repos', { token: pat.token, body: { name: 'slow', private: true } });
      assert.equal(repo.status, 201, repo.text);
      const { socket, closed } = rawConnection(t);
      const basic = Buffer.from(`${user.login}:${pat.token}`).toString('base64');
      socket.write(
        `POST /${user.login}/slow.git/git-receive-pack HTTP/1.1\r\nHost: 127.0.0.1:${portOf(t)}\r\nAuthorization: Basic ${basic}\r\n` +
          'Content-Type: application/x-git-receive-pack-request\r\nConnection: close\r\nContent-Length: 4\r\n\r\n00',
      );
      await delay(apiBodyTimeoutMs * 3); // past the API deadline: git's body must not be cut off
      socket.write('00');
      const answer = await closed;
      assert.match(answer, /^HTTP\/1\.1 200/, answer.slice(0, 200));
    } finally {
      await t.close();
    }
  });

  it('closes connections beyond the cap, and serves again once one is gone', async () => {
    const t = await startTestProvider({ limits: { maxConnections: 2 } });
    const port = portOf(t);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    const get = (a: http.Agent | false) =>
      new Promise<number>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/-/health', agent: a, headers: { host: `127.0.0.1:${port}` } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
      });
    try {
      // Two kept-alive connections, held open by the agent.
      assert.deepEqual(await Promise.all([get(agent), get(agent)]), [200, 200]);
      await assert.rejects(get(false), /socket hang up|ECONNRESET|EPIPE/);
      agent.destroy();
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = await get(false).catch(() => 0);
        if (status !== 200) await delay(50);
      }
      assert.equal(status, 200);
    } finally {
      agent.destroy();
      await t.close();
    }
  });
});

describe('tessera serve: --public-host, --max-connections and --max-push-size', () => {
  it('takes repeated --public-host names and a connection cap, and refuses bad ones with a message', () => {
    const opts = parseServeArgs(['serve', '--data', 'd', '--public-host', 'tessera.example.com', '--public-host', '[fd00::5]:8443', '--max-connections', '64'], '/srv');
    assert.deepEqual(opts.publicHosts, ['tessera.example.com', '[fd00::5]:8443']);
    assert.deepEqual(opts.limits, { maxConnections: 64 });
    assert.throws(() => parseServeArgs(['serve', '--data', 'd', '--public-host', 'bad name'], '/srv'), /--public-host: not a host name/);
    for (const wildcard of ['0.0.0.0', '0.0.0.0:8443', '::', '[::]:443', '0:0:0:0:0:0:0:0', '[::0]']) {
      assert.throws(() => parseServeArgs(['serve', '--data', 'd', '--public-host', wildcard], '/srv'), /--public-host: .* is the unspecified address/, wildcard);
    }
    for (const bad of ['0', '1.5', '99999999999999999999']) {
      assert.throws(() => parseServeArgs(['serve', '--data', 'd', '--max-connections', bad], '/srv'), /--max-connections must be a positive integer/, bad);
    }
    assert.throws(() => parseServeArgs(['serve', '--help'], '/srv'), /--public-host NAME\[:PORT\]/);
    assert.equal(parseServeArgs(['serve', '--data', 'd', '--max-push-size', '100'], '/srv').maxPushBytes, 100 * 1024 * 1024);
    assert.equal(parseServeArgs(['serve', '--data', 'd'], '/srv').maxPushBytes, undefined, 'the default (2 GiB) applies');
    for (const bad of ['0', '1.5', '2G']) {
      assert.throws(() => parseServeArgs(['serve', '--data', 'd', '--max-push-size', bad], '/srv'), /--max-push-size must be a positive whole number of MiB/, bad);
    }
    assert.equal(parseServeArgs(['serve', '--data', 'd', '--public-url', 'https://tessera.example.com'], '/srv').publicUrl, 'https://tessera.example.com');
    for (const bad of ['tessera.example.com', 'ftp://tessera.example.com', 'https://tessera.example.com/api', 'https://u:p@tessera.example.com']) {
      assert.throws(() => parseServeArgs(['serve', '--data', 'd', '--public-url', bad], '/srv'), /--public-url: /, bad);
    }
  });

  it('a --public-url refused for the credentials (or anything else) in it is named without its password', () => {
    const password = 'S3cretPw-in-the-url';
    for (const bad of [
      `https://u:${password}@tessera.example.com`,
      `https://:${password}@tessera.example.com/api`,
      `ftp://u:${password}@tessera.example.com`,
      `https://u:${password}@tessera.example.com:port/`,
    ]) {
      assert.throws(
        () => parseServeArgs(['serve', '--data', 'd', '--public-url', bad], '/srv'),
        (err: Error) => /^--public-url: /.test(err.message) && !err.message.includes(password),
        bad,
      );
    }
  });
});
