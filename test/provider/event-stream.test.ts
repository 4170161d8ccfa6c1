// GET /-/events, the signed-in user's change stream: a write made through another process on the
// same data reaches a stream it did not pass through, and so does the use of one of the user's
// tokens (which the store's change version leaves out); deleting, revoking or regenerating the
// stream's token, or narrowing its scopes, ends the stream; at most
// DEFAULT_CHANGE_FEED_OPTIONS.maxPerUser streams per user, under parallel openings too; who may
// open one.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CHANGE_FEED_OPTIONS } from '../../src/provider/events/change-feed';
import { createUser } from '../builders/users';
import { signIn } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { openEventStream, type OpenStream } from './helpers/event-stream';
import { startTestProvider, type TestProvider } from './helpers/provider';
import { startProviderProcesses, type ProviderProcess } from './helpers/provider-process';


describe('change stream (GET /-/events)', function () {
  this.timeout(60_000);
  const streams: OpenStream[] = [];
  const open = async (origin: string, token: string | undefined, headers?: Record<string, string>) => {
    const s = await openEventStream(origin, token, headers);
    streams.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
  });

  describe('across processes', () => {
    let dataDir: string;
    let a: ProviderProcess;
    let b: ProviderProcess;
    before(async function () {
      this.timeout(90_000);
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-events-'));
      [a, b] = await startProviderProcesses(dataDir, 2);
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await rm(dataDir, { recursive: true, force: true });
    });

    it('a write through another process reaches the stream', async () => {
      const user = await createUser(a);
      const session = await signIn(a, user, ['admin:token', 'user']);
      const stream = await open(a.url, session.token);
      assert.equal(stream.status, 200);
      assert.match(stream.contentType, /^text\/event-stream/);
      const ready = await stream.next('ready', 0);
      assert.deepEqual(JSON.parse(ready.data), { seq: 0 });

      // A token created through process B: A's stream hears of it.
      const seen = stream.events.length;
      await createClassicToken(b, user, { name: 'made elsewhere', scopes: ['read:user'] });
      const changed = await stream.next('changed', seen);
      assert.ok(JSON.parse(changed.data).seq >= 1);

    });

    it('ends when its token is deleted through another process', async () => {
      const user = await createUser(a);
      const session = await signIn(a, user, ['admin:token', 'user']);
      const doomed = await createClassicToken(a, user, { name: 'listener', scopes: ['read:user'] });
      const stream = await open(a.url, doomed.token);
      await stream.next('ready', 0);
      const del = await b.api.delete(`/user/personal-access-tokens/${doomed.id}`, { token: session.token });
      assert.equal(del.status, 204);
      await stream.ended;
      const again = await open(a.url, doomed.token);
      assert.equal(again.status, 401);
    });
  });

  describe('in one provider', () => {
    let t: TestProvider;
    before(async () => {
      t = await startTestProvider();
    });
    after(async () => t.close());

    it("the use of one of the user's tokens reaches the stream (last_used_at does not move the store's change version)", async () => {
      const user = await createUser(t);
      const session = await signIn(t, user, ['admin:token', 'user']);
      const used = await createClassicToken(t, user, { name: 'pushed with', scopes: ['read:user'] });
      const stream = await open(t.provider.url, session.token);
      await stream.next('ready', 0);
      // Whatever the writes above still signal is sent first; then the stream is quiet.
      let seen = stream.events.length;
      for (;;) {
        await new Promise((r) => setTimeout(r, 3 * DEFAULT_CHANGE_FEED_OPTIONS.tickMs));
        if (stream.events.length === seen) break;
        seen = stream.events.length;
      }
      t.clock.advance(1000); // the provider's clock stands still otherwise: a use is a later time
      assert.equal((await t.api.get('/user', { token: used.token })).status, 200);
      await stream.next('changed', seen);
      const token = await t.api.get(`/user/personal-access-tokens/${used.id}`, { token: session.token });
      assert.ok(token.json.last_used_at, 'the token was used');
    });

    it('ends when its token is revoked (POST /credentials/revoke)', async () => {
      const user = await createUser(t);
      const listener = await createClassicToken(t, user, { name: 'revoked listener', scopes: ['admin:token'] });
      const stream = await open(t.provider.url, listener.token);
      await stream.next('ready', 0);
      const revoke = await t.api.post('/credentials/revoke', { body: { credentials: [listener.token] } });
      assert.equal(revoke.status, 202, revoke.text);
      await stream.ended;
      const check = await t.api.get('/user', { token: listener.token });
      assert.equal(check.status, 401);
    });

    it('ends when its token is regenerated (the secret it was opened with stops working)', async () => {
      const user = await createUser(t);
      const session = await signIn(t, user, ['admin:token', 'user']);
      const listener = await createClassicToken(t, user, { name: 'regenerated listener', scopes: ['read:user'] });
      const stream = await open(t.provider.url, listener.token);
      await stream.next('ready', 0);
      const regen = await t.api.post(`/user/personal-access-tokens/${listener.id}/regenerate`, { token: session.token, body: {} });
      assert.equal(regen.status, 200, regen.text);
      assert.equal((await t.api.get('/user', { token: listener.token })).status, 401, 'the old secret no longer works');
      await stream.ended;
    });

    it('ends when its token no longer has a scope that may read the user', async () => {
      const user = await createUser(t);
      const session = await signIn(t, user, ['admin:token', 'user']);
      const listener = await createClassicToken(t, user, { name: 'narrowed listener', scopes: ['read:user', 'repo'] });
      const stream = await open(t.provider.url, listener.token);
      await stream.next('ready', 0);
      const narrowed = await t.api.patch(`/user/personal-access-tokens/${listener.id}`, { token: session.token, body: { scopes: ['repo'] } });
      assert.equal(narrowed.status, 200, narrowed.text);
      assert.equal((await open(t.provider.url, listener.token)).status, 403, 'a new stream is refused');
      await stream.ended;
    });

    it(`holds at most ${DEFAULT_CHANGE_FEED_OPTIONS.maxPerUser} open streams per user, even opened in parallel; closing one frees a place`, async () => {
      const cap = DEFAULT_CHANGE_FEED_OPTIONS.maxPerUser;
      const user = await createUser(t);
      const session = await signIn(t, user, ['admin:token', 'user']);
      const attempts = await Promise.all(Array.from({ length: cap + 4 }, () => open(t.provider.url, session.token)));
      const ok = attempts.filter((s) => s.status === 200);
      const refused = attempts.filter((s) => s.status !== 200);
      assert.equal(ok.length, cap);
      assert.deepEqual(refused.map((s) => s.status), [429, 429, 429, 429]);
      await refused[0].ended;
      assert.match(JSON.parse(refused[0].text()).message, /Too many open change streams/);

      // Another user is not affected by this one's streams.
      const other = await createUser(t);
      const theirs = await open(t.provider.url, (await signIn(t, other, ['read:user'])).token);
      assert.equal(theirs.status, 200);

      await ok[0].close();
      let reopened: OpenStream | undefined;
      for (let i = 0; i < 100 && reopened?.status !== 200; i++) {
        if (reopened) await new Promise((r) => setTimeout(r, 20)); // the provider sees the close
        reopened = await open(t.provider.url, session.token);
      }
      assert.equal(reopened?.status, 200);
    });

    it('needs a token that may read the user: no credentials 401, Basic 403 or 401, a token without the scope 403', async () => {
      const user = await createUser(t);
      assert.equal((await open(t.provider.url, undefined)).status, 401);
      const basic = await open(t.provider.url, undefined, { authorization: `Basic ${Buffer.from(`${user.login}:${user.password}`).toString('base64')}` });
      assert.ok([401, 403].includes(basic.status), `Basic: ${basic.status}`);
      const reader = await createClassicToken(t, user, { name: 'reader', scopes: ['read:user'] });
      const head = await t.api.call('HEAD', '/-/events', { token: reader.token });
      assert.equal(head.status, 200, 'HEAD answers the head and ends');
      assert.match(head.headers.get('content-type') ?? '', /^text\/event-stream/);
      const narrow = await createClassicToken(t, user, { name: 'repo only', scopes: ['repo'] });
      assert.equal((await open(t.provider.url, narrow.token)).status, 403);
      const fine = await t.api.post('/user/personal-access-tokens', {
        basic: { login: user.login, password: user.password },
        body: { name: 'fg', kind: 'fine_grained', expires_in_days: 7, resource_owner: user.login, repository_selection: 'none', permissions: {} },
      });
      if (fine.status === 201) assert.equal((await open(t.provider.url, fine.json.token)).status, 403);
      else assert.fail(`fine-grained token: ${fine.status} ${fine.text}`);
    });
  });
});
