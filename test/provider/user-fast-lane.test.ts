// The fast lane in front of Fastify (src/provider/routes/user-fast-lane.ts) answers GET
// /api/v3/user exactly as the route behind the authorization hook would, and leaves every other
// request to Fastify with nothing done. The provider here is the real app over a real store; an
// extra onRequest hook counts the requests that reached Fastify, so each test knows which path
// answered. `/api/v3/user?reference` is the same route, but never the lane's (it takes only the exact path),
// so it is the reference answer the lane's is held equal to.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DAY, ManualClock, MINUTE, SECOND } from '../../src/provider/clock';
import { ServedHosts } from '../../src/provider/http/served-hosts';
import { userFastLane } from '../../src/provider/routes/user-fast-lane';
import { tokenDigest } from '../../src/shared/token-format';
import { basicHeader } from './helpers/api-client';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';
import { addMember, createClassic, createFineGrained, createOrg, newSession, Session, setPolicy } from './helpers/orgs';

interface Answer {
  status: number;
  /** Every response header but the ones Node adds per connection and moment. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface LaneProvider extends InProcessProvider {
  /** Requests that reached Fastify so far. */
  fastifySaw(): number;
}

async function startLaneProvider(): Promise<LaneProvider> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-lane-'));
  let reached = 0;
  const countFastify = (app: FastifyInstance) => {
    app.addHook('onRequest', (_request, _reply, done) => {
      reached++;
      done();
    });
  };
  const t = await startInProcessProvider(dataDir, new ManualClock(Date.now()), [countFastify]);
  return {
    ...t,
    fastifySaw: () => reached,
    async close() {
      await t.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const PER_MOMENT = new Set(['date', 'connection', 'keep-alive']);

/**
 * One raw request on its own connection. headers: an object, or raw name/value pairs in order (to
 * send a name twice; Host is then not added).
 */
function send(t: LaneProvider, opts: { path: string; method?: string; headers?: Record<string, string> | string[]; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${t.provider.url}${opts.path}`, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers = Object.fromEntries(Object.entries(res.headers).filter(([name]) => !PER_MOMENT.has(name)));
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const auth = (token: string) => ({ authorization: `token ${token}` });

/** GET /api/v3/user, and whether Fastify saw it (false = the lane answered). */
async function getUser(t: LaneProvider, headers: Record<string, string>, pathname = '/api/v3/user'): Promise<Answer & { viaFastify: boolean }> {
  const before = t.fastifySaw();
  const answer = await send(t, { path: pathname, headers });
  return { ...answer, viaFastify: t.fastifySaw() > before };
}

/** The route's own answer to the same request (through Fastify, never the lane). */
async function reference(t: LaneProvider, headers: Record<string, string>): Promise<Answer> {
  const { viaFastify, ...answer } = await getUser(t, headers, '/api/v3/user?reference');
  assert.equal(viaFastify, true, 'the reference request must be answered by Fastify');
  return answer;
}

/** Asserts the lane answers `headers` (after a first request has filled the cache) like the route. */
async function assertLaneAnswersLikeTheRoute(t: LaneProvider, headers: Record<string, string>): Promise<Answer> {
  await getUser(t, headers); // fills the principal cache (and last_used_at) if it was not filled
  const viaLane = await getUser(t, headers);
  assert.equal(viaLane.viaFastify, false, 'a cached, fresh token is answered by the lane');
  const { viaFastify: _, ...laneAnswer } = viaLane;
  assert.deepEqual(laneAnswer, await reference(t, headers));
  return laneAnswer;
}

describe('GET /user fast lane (in front of Fastify)', function () {
  this.timeout(60_000);
  let t: LaneProvider;
  let s: Session;

  beforeEach(async () => {
    t = await startLaneProvider();
    s = await newSession(t);
  });
  afterEach(async () => {
    await t.close();
  });

  it('answers a classic token exactly as the route does: status, every header, body', async () => {
    const tok = await createClassic(t, s, ['repo', 'read:org'], { expires_in_days: 30 });
    const answer = await assertLaneAnswersLikeTheRoute(t, auth(tok.token));
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['x-oauth-scopes'], 'repo, read:org');
    assert.equal(answer.headers['x-accepted-oauth-scopes'], '');
    assert.match(String(answer.headers['github-authentication-token-expiration']), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    assert.equal(answer.headers['cache-control'], 'no-store');
    assert.equal(answer.headers['x-content-type-options'], 'nosniff');
    assert.equal(answer.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(JSON.parse(answer.body).login, s.user.login);
  });

  it('answers a fine-grained token (no X-OAuth-Scopes) and Bearer, in any header case, exactly as the route does', async () => {
    const tok = await createFineGrained(t, s, { permissions: { account: { profile: 'read' } } });
    const answer = await assertLaneAnswersLikeTheRoute(t, { authorization: `Bearer ${tok.token}` });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['x-oauth-scopes'], undefined);
    // Header names in any case (HTTP/1.1 names are case-insensitive).
    await assertLaneAnswersLikeTheRoute(t, { AUTHORIZATION: `Bearer ${tok.token}` });
  });

  it('follows every change at once: a new name in the body, new scopes in the header', async () => {
    const tok = await createClassic(t, s, ['user']);
    await assertLaneAnswersLikeTheRoute(t, auth(tok.token));
    assert.equal((await t.api.patch('/user', { token: s.token, body: { name: 'Ada Lovelace' } })).status, 200);
    const renamed = await getUser(t, auth(tok.token));
    assert.equal(JSON.parse(renamed.body).name, 'Ada Lovelace');
    assert.equal((await assertLaneAnswersLikeTheRoute(t, auth(tok.token))).body, renamed.body);

    const widened = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: s.token, body: { scopes: ['user', 'read:org'] } });
    assert.equal(widened.status, 200, widened.text);
    const after = await getUser(t, auth(tok.token));
    assert.equal(after.headers['x-oauth-scopes'], 'read:org, user');
    await assertLaneAnswersLikeTheRoute(t, auth(tok.token));
  });

  it('leaves a due last_used_at to Fastify, which writes it once; then the lane answers again', async () => {
    const tok = await createClassic(t, s, ['repo']);
    await assertLaneAnswersLikeTheRoute(t, auth(tok.token));
    const lastUsed = async () => (await t.store.tokens.byDigestWithUser(tokenDigest(tok.token)))?.token?.lastUsedAt?.getTime();
    const first = await lastUsed();
    assert.ok(first);
    t.clock.advance(MINUTE + SECOND);
    const due = await getUser(t, auth(tok.token));
    assert.equal(due.status, 200);
    assert.equal(due.viaFastify, true, 'a due last_used_at is written by the regular path');
    assert.equal(await lastUsed(), t.clock.now().getTime());
    const next = await getUser(t, auth(tok.token));
    assert.equal(next.viaFastify, false);
    assert.equal(await lastUsed(), t.clock.now().getTime());
  });

  it('answers nothing it should not: bad, revoked and expired tokens get the route’s own 401', async () => {
    const tok = await createClassic(t, s, ['repo'], { expires_in_days: 7 });
    const other = await createClassic(t, s, ['repo']);
    await assertLaneAnswersLikeTheRoute(t, auth(tok.token));

    const wrong = `${tok.token.slice(0, -1)}${tok.token.endsWith('A') ? 'B' : 'A'}`; // checksum no longer matches
    const bad = await getUser(t, auth(wrong));
    assert.equal(bad.status, 401);
    assert.equal(bad.viaFastify, true);
    assert.deepEqual({ ...bad, viaFastify: undefined }, { ...(await reference(t, auth(wrong))), viaFastify: undefined });

    t.clock.advance(8 * DAY);
    const expired = await getUser(t, auth(tok.token));
    assert.equal(expired.status, 401);
    assert.equal(JSON.parse(expired.body).message, 'token expired');
    assert.equal(expired.viaFastify, true);

    await assertLaneAnswersLikeTheRoute(t, auth(other.token));
    assert.equal((await t.api.delete(`/user/personal-access-tokens/${other.id}`, { token: s.token })).status, 204);
    const revoked = await getUser(t, auth(other.token));
    assert.equal(revoked.status, 401);
    assert.equal(JSON.parse(revoked.body).message, 'Bad credentials');
    assert.equal(revoked.viaFastify, true);
  });

  it('leaves a guard’s denial to Fastify: a token pending approval gets the route’s 403', async () => {
    const member = await newSession(t);
    const org = await createOrg(t, s);
    await addMember(t, org, s, member);
    await setPolicy(t, org, s, { require_approval: true });
    const pending = await createFineGrained(t, member, { resource_owner: org, repository_selection: 'all', permissions: { repository: { contents: 'read' } } });
    assert.equal(pending.status, 'pending');
    await getUser(t, auth(pending.token)); // the cache now holds it
    const denied = await getUser(t, auth(pending.token));
    assert.equal(denied.status, 403);
    assert.match(JSON.parse(denied.body).message, /pending approval/);
    assert.equal(denied.viaFastify, true);
    assert.deepEqual({ ...denied, viaFastify: undefined }, { ...(await reference(t, auth(pending.token))), viaFastify: undefined });
  });

  it('leaves every other shape of request to Fastify, which answers it as before', async () => {
    const tok = await createClassic(t, s, ['repo']);
    const laneAnswer = await assertLaneAnswersLikeTheRoute(t, auth(tok.token));
    const viaFastify = async (opts: Parameters<typeof send>[1]) => {
      const before = t.fastifySaw();
      const answer = await send(t, opts).catch((err: Error) => {
        throw new Error(`${opts.method ?? 'GET'} ${opts.path}: ${err.message}`);
      });
      assert.equal(t.fastifySaw(), before + 1, `${opts.method ?? 'GET'} ${opts.path} reaches Fastify`);
      return answer;
    };
    // git-style Basic with the token as password: the same answer, by the regular path.
    const basic = await viaFastify({ path: '/api/v3/user', headers: { authorization: basicHeader('x-access-token', tok.token) } });
    assert.deepEqual(basic, laneAnswer);
    assert.deepEqual(await viaFastify({ path: '/api/v3/user/', headers: auth(tok.token) }), laneAnswer);
    const head = await viaFastify({ path: '/api/v3/user', method: 'HEAD', headers: auth(tok.token) });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    const withBody = await viaFastify({ path: '/api/v3/user', headers: { ...auth(tok.token), 'content-type': 'application/json', 'content-length': '2' }, body: '{}' });
    assert.equal(withBody.status, 200);
    // (Node's client sends a GET body chunked only when told to.)
    const chunked = await viaFastify({ path: '/api/v3/user', headers: { ...auth(tok.token), 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: '{}' });
    assert.equal(chunked.status, 200);
    // Two Authorization headers: Node keeps the first one, and so does the route.
    const twice = await viaFastify({ path: '/api/v3/user', headers: ['Host', new URL(t.provider.url).host, 'Authorization', `token ${tok.token}`, 'Authorization', 'token nonsense'] });
    assert.deepEqual(twice, laneAnswer);
    const anonymous = await viaFastify({ path: '/api/v3/user' });
    assert.equal(anonymous.status, 401);
    const password = await viaFastify({ path: '/api/v3/user', headers: { authorization: basicHeader(s.user.login, s.user.password) } });
    assert.equal(password.status, 200);
    assert.equal(JSON.parse(password.body).login, s.user.login);
  });

  it('answers each request on one keep-alive connection for the token that request presents, in the lane and behind it', async () => {
    const other = await newSession(t);
    const mine = await createClassic(t, s, ['repo']);
    const theirs = await createClassic(t, other, ['user']);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const onTheConnection = (token: string, pathname = '/api/v3/user') =>
      new Promise<{ status: number; login?: string; scopes?: string; reused: boolean; viaFastify: boolean }>((resolve, reject) => {
        const before = t.fastifySaw();
        const req = http.get(`${t.provider.url}${pathname}`, { agent, headers: auth(token) }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { login?: string };
            resolve({ status: res.statusCode ?? 0, login: body.login, scopes: res.headers['x-oauth-scopes'] as string | undefined, reused: req.reusedSocket, viaFastify: t.fastifySaw() > before });
          });
          res.on('error', reject);
        });
        req.on('error', reject);
      });
    try {
      const near = `${mine.token.slice(0, -1)}${mine.token.endsWith('A') ? 'B' : 'A'}`;
      const answers = [];
      for (const token of [mine.token, mine.token, theirs.token, theirs.token, mine.token, near, mine.token]) answers.push(await onTheConnection(token));
      assert.deepEqual(
        answers.map((a) => [a.status, a.login, a.scopes]),
        [
          [200, s.user.login, 'repo'],
          [200, s.user.login, 'repo'],
          [200, other.user.login, 'user'],
          [200, other.user.login, 'user'],
          [200, s.user.login, 'repo'],
          [401, undefined, undefined],
          [200, s.user.login, 'repo'],
        ],
      );
      assert.deepEqual(answers.map((a) => a.reused), [false, true, true, true, true, true, true], 'one connection throughout');
      // Each token's first request fills the principal cache (Fastify); the lane answers it after that.
      assert.deepEqual(answers.map((a) => a.viaFastify), [true, false, true, false, false, true, false]);

      // Fastify's own authentication takes the connection's token the same way (ctx.connectionTokens).
      const viaFastify = [];
      for (const token of [theirs.token, mine.token, mine.token, near, theirs.token]) viaFastify.push(await onTheConnection(token, '/api/v3/user?reference'));
      assert.deepEqual(
        viaFastify.map((a) => [a.status, a.login, a.reused, a.viaFastify]),
        [
          [200, other.user.login, true, true],
          [200, s.user.login, true, true],
          [200, s.user.login, true, true],
          [401, undefined, true, true],
          [200, other.user.login, true, true],
        ],
      );
    } finally {
      agent.destroy();
    }
  });

  it('once closed, answers nothing (the provider is closing: Fastify answers 503)', async () => {
    const tok = await createClassic(t, s, ['repo']);
    await assertLaneAnswersLikeTheRoute(t, auth(tok.token));
    const served = new ServedHosts('http', []);
    const port = Number(new URL(t.ctx.origin).port);
    served.listeningOn(port);
    const lane = userFastLane(t.ctx, served);
    const req = Object.assign(new http.IncomingMessage(new net.Socket()), {
      method: 'GET',
      url: '/api/v3/user',
      rawHeaders: ['Host', `127.0.0.1:${port}`, 'Authorization', `token ${tok.token}`],
    });
    const res = new http.ServerResponse(req);
    assert.equal(lane.handle(req, res), true, 'an open lane answers the cached token');
    lane.close();
    assert.equal(lane.handle(req, new http.ServerResponse(req)), false);
  });
});
