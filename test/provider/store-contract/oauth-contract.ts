// Store contract: OAuth apps (the built-in GitHub CLI app comes with the schema), device codes and
// the web flow's authorization codes (digests, conditional state changes that hold under
// concurrency, tickets, expiry).
import * as assert from 'node:assert/strict';
import { UniqueViolation } from '../../../src/provider/store/errors';
import type { NewDeviceCode } from '../../../src/provider/store/device-codes';
import type { NewAuthorizationRequest } from '../../../src/provider/store/oauth-authorization-codes';
import type { Store } from '../../../src/provider/store/store';
import { at, digest, makeToken, makeUser, MINUTE, StoreFactory, T0, withStore } from './fixtures';
import { uniqueName } from '../../builders/unique-name';

const GH_CLIENT_ID = '178c6fc778ccc68e1d6a';

async function makeApp(store: Store, ownerId: number | null, name = uniqueName('app')) {
  return store.oauthApps.create({ clientId: uniqueName('client'), name, url: 'https://app.example/', callbackUrl: null, ownerId, clientSecretDigest: digest(), createdAt: T0 });
}

function newCode(appId: number, over: Partial<NewDeviceCode> = {}): NewDeviceCode {
  return { appId, deviceCodeDigest: digest(), userCodeDigest: digest(), scopes: ['repo', 'read:org'], intervalSeconds: 5, expiresAt: at(15 * MINUTE), createdAt: T0, ...over };
}

function newRequest(appId: number, userId: number, over: Partial<NewAuthorizationRequest> = {}): NewAuthorizationRequest {
  return { appId, userId, scopes: ['repo'], redirectUri: 'https://app.example/cb', state: 'st', ticketDigest: digest(), expiresAt: at(5 * MINUTE), createdAt: T0, ...over };
}

export function oauthStoreContract(makeStore: StoreFactory): void {
  describe('OAuth apps', () => {
    const s = withStore(makeStore);

    it('has the built-in GitHub CLI app under gh’s client id, with no owner and no secret', async () => {
      const gh = await s.store.oauthApps.byClientId(GH_CLIENT_ID);
      assert.equal(gh?.name, 'GitHub CLI');
      assert.equal(gh?.ownerId, null);
      assert.equal(gh?.clientSecretDigest, null);
    });

    it('creates apps, finds them by id and client ids, lists the built-in ones and the user’s own, refuses a taken client id, deletes', async () => {
      const u = await makeUser(s.store);
      const other = await makeUser(s.store);
      const a = await makeApp(s.store, u.id, 'Tool');
      assert.equal(a.name, 'Tool');
      assert.equal(a.ownerId, u.id);
      assert.equal(a.createdAt.getTime(), T0.getTime());
      assert.deepEqual(await s.store.oauthApps.byId(a.id), a);
      assert.deepEqual(await s.store.oauthApps.byClientId(a.clientId), a);
      const b = await makeApp(s.store, other.id);
      assert.deepEqual((await s.store.oauthApps.byClientIds([b.clientId, 'none', a.clientId, a.clientId])).map((x) => x.id), [a.id, b.id]);
      assert.deepEqual(await s.store.oauthApps.byClientIds([]), []);
      assert.deepEqual((await s.store.oauthApps.listVisibleTo(u.id)).map((x) => x.clientId), [GH_CLIENT_ID, a.clientId]);
      await assert.rejects(
        s.store.oauthApps.create({ ...a, name: 'copy' }),
        (err: unknown) => err instanceof UniqueViolation && err.field === 'client_id',
      );
      const code = await s.store.deviceCodes.create(newCode(a.id));
      assert.equal(await s.store.oauthApps.delete(a.id), true);
      assert.equal(await s.store.oauthApps.delete(a.id), false);
      assert.equal(await s.store.oauthApps.byId(a.id), undefined);
      assert.equal(await s.store.deviceCodes.byId(code.id), undefined, 'its device codes go with it');
    });
  });

  describe('device codes', () => {
    const s = withStore(makeStore);

    it('creates a pending code, found by id and by either digest; a digest collision is UniqueViolation naming it', async () => {
      const app = await makeApp(s.store, null);
      const c = await s.store.deviceCodes.create(newCode(app.id));
      assert.equal(c.status, 'pending');
      assert.deepEqual(c.scopes, ['repo', 'read:org']);
      assert.equal(c.userId, null);
      assert.equal(c.tokenId, null);
      assert.equal(c.intervalSeconds, 5);
      assert.equal(c.lastPolledAt, null);
      assert.equal(c.expiresAt.getTime(), at(15 * MINUTE).getTime());
      assert.deepEqual(await s.store.deviceCodes.byId(c.id), c);
      assert.deepEqual(await s.store.deviceCodes.byDeviceCodeDigest(c.deviceCodeDigest), c);
      assert.deepEqual(await s.store.deviceCodes.byUserCodeDigest(c.userCodeDigest), c);
      assert.equal(await s.store.deviceCodes.byUserCodeDigest(digest()), undefined);
      await assert.rejects(s.store.deviceCodes.create(newCode(app.id, { userCodeDigest: c.userCodeDigest })), (e: unknown) => e instanceof UniqueViolation && e.field === 'user_code');
      await assert.rejects(s.store.deviceCodes.create(newCode(app.id, { deviceCodeDigest: c.deviceCodeDigest })), (e: unknown) => e instanceof UniqueViolation && e.field === 'device_code');
    });

    it('records polls at most once per gap, even when several arrive at once; slowDown adds to the interval', async () => {
      const app = await makeApp(s.store, null);
      const c = await s.store.deviceCodes.create(newCode(app.id));
      const polls = await Promise.all(Array.from({ length: 6 }, () => s.store.deviceCodes.recordPoll(c.id, at(MINUTE), 4000)));
      assert.equal(polls.filter(Boolean).length, 1);
      assert.equal(await s.store.deviceCodes.recordPoll(c.id, at(MINUTE + 3000), 4000), false);
      assert.equal(await s.store.deviceCodes.recordPoll(c.id, at(MINUTE + 4000), 4000), true);
      assert.equal((await s.store.deviceCodes.byId(c.id))?.lastPolledAt?.getTime(), at(MINUTE + 4000).getTime());
      assert.equal(await s.store.deviceCodes.slowDown(c.id, 5), 10);
      assert.equal((await s.store.deviceCodes.byId(c.id))?.intervalSeconds, 10);
    });

    it('decides a pending, unexpired code once (of parallel decisions one wins), then marks it used once', async () => {
      const app = await makeApp(s.store, null);
      const u = await makeUser(s.store);
      const c = await s.store.deviceCodes.create(newCode(app.id));
      const decisions = await Promise.all(Array.from({ length: 6 }, (_, i) => s.store.deviceCodes.decide(c.id, i % 2 ? 'denied' : 'approved', u.id, at(MINUTE))));
      const won = decisions.filter((d) => d !== undefined);
      assert.equal(won.length, 1);
      assert.equal(won[0]?.userId, u.id);
      assert.equal(await s.store.deviceCodes.recordPoll(c.id, at(2 * MINUTE), 0), false, 'a decided code records no polls');
      if (won[0]?.status === 'approved') {
        const t1 = await makeToken(s.store, u.id);
        const t2 = await makeToken(s.store, u.id);
        const used = await Promise.all([s.store.deviceCodes.markUsed(c.id, t1.id, at(MINUTE)), s.store.deviceCodes.markUsed(c.id, t2.id, at(MINUTE))]);
        assert.deepEqual(used.sort(), [false, true]);
        const after = await s.store.deviceCodes.byId(c.id);
        assert.equal(after?.status, 'used');
        assert.ok(after?.tokenId === t1.id || after?.tokenId === t2.id);
      } else {
        assert.equal(won[0]?.status, 'denied');
        assert.equal(await s.store.deviceCodes.markUsed(c.id, (await makeToken(s.store, u.id)).id, at(MINUTE)), false, 'a denied code is never used');
      }
      const late = await s.store.deviceCodes.create(newCode(app.id));
      assert.equal(await s.store.deviceCodes.decide(late.id, 'approved', u.id, at(15 * MINUTE)), undefined, 'an expired code is not decided');
      const approved = await s.store.deviceCodes.create(newCode(app.id));
      assert.ok(await s.store.deviceCodes.decide(approved.id, 'approved', u.id, at(MINUTE)));
      assert.equal(await s.store.deviceCodes.markUsed(approved.id, (await makeToken(s.store, u.id)).id, at(16 * MINUTE)), false, 'an expired code is not used');
    });

    it('keeps one ticket per code, taken once (of parallel takes one wins), only while the ticket and the code live', async () => {
      const app = await makeApp(s.store, null);
      const u = await makeUser(s.store);
      const c = await s.store.deviceCodes.create(newCode(app.id));
      const first = digest();
      await s.store.deviceCodes.setTicket(c.id, { digest: first, userId: u.id, expiresAt: at(5 * MINUTE) });
      const ticket = digest();
      await s.store.deviceCodes.setTicket(c.id, { digest: ticket, userId: u.id, expiresAt: at(5 * MINUTE) });
      assert.equal(await s.store.deviceCodes.takeTicket(first, at(MINUTE)), undefined, 'a replaced ticket is gone');
      assert.equal(await s.store.deviceCodes.takeTicket(ticket, at(5 * MINUTE)), undefined, 'an expired ticket is not taken');
      const takes = await Promise.all(Array.from({ length: 5 }, () => s.store.deviceCodes.takeTicket(ticket, at(MINUTE))));
      const taken = takes.filter((x) => x !== undefined);
      assert.equal(taken.length, 1);
      assert.equal(taken[0]?.userId, u.id);
      assert.equal(taken[0]?.code.id, c.id);
      const again = digest();
      await s.store.deviceCodes.setTicket(c.id, { digest: again, userId: u.id, expiresAt: at(5 * MINUTE) });
      await s.store.deviceCodes.decide(c.id, 'approved', u.id, at(MINUTE));
      assert.equal(await s.store.deviceCodes.takeTicket(again, at(MINUTE)), undefined, 'a decision ends the ticket');
    });

    it('deletes the codes that expired before a time', async () => {
      const app = await makeApp(s.store, null);
      const old = await s.store.deviceCodes.create(newCode(app.id, { expiresAt: at(MINUTE) }));
      const live = await s.store.deviceCodes.create(newCode(app.id, { expiresAt: at(20 * MINUTE) }));
      assert.equal(await s.store.deviceCodes.deleteExpired(at(10 * MINUTE)), 1);
      assert.equal(await s.store.deviceCodes.byId(old.id), undefined);
      assert.ok(await s.store.deviceCodes.byId(live.id));
    });
  });

  describe('OAuth authorization codes (web flow)', () => {
    const s = withStore(makeStore);
    const approve = (codeDigest: string, expiresAt = at(11 * MINUTE)) => ({ approve: { codeDigest, expiresAt } });

    it('creates a pending request with its ticket; a ticket collision is UniqueViolation; found by id', async () => {
      const app = await makeApp(s.store, null);
      const u = await makeUser(s.store);
      const r = await s.store.authorizationCodes.createRequest(newRequest(app.id, u.id, { redirectUri: null, state: null }));
      assert.equal(r.status, 'pending');
      assert.equal(r.appId, app.id);
      assert.equal(r.userId, u.id);
      assert.deepEqual(r.scopes, ['repo']);
      assert.equal(r.redirectUri, null);
      assert.equal(r.state, null);
      assert.equal(r.tokenId, null);
      assert.equal(r.expiresAt.getTime(), at(5 * MINUTE).getTime());
      assert.deepEqual(await s.store.authorizationCodes.byId(r.id), r);
      const withTicket = await s.store.authorizationCodes.createRequest(newRequest(app.id, u.id));
      assert.equal(withTicket.redirectUri, 'https://app.example/cb');
      assert.equal(withTicket.state, 'st');
      const ticket = digest();
      await s.store.authorizationCodes.createRequest(newRequest(app.id, u.id, { ticketDigest: ticket }));
      await assert.rejects(s.store.authorizationCodes.createRequest(newRequest(app.id, u.id, { ticketDigest: ticket })), (e: unknown) => e instanceof UniqueViolation && e.field === 'ticket');
    });

    it('a ticket is decided once (of parallel decisions one wins) while it lives: approved gives the code, denied deletes the request', async () => {
      const app = await makeApp(s.store, null);
      const u = await makeUser(s.store);
      const ticket = digest();
      const r = await s.store.authorizationCodes.createRequest(newRequest(app.id, u.id, { ticketDigest: ticket }));
      const codes = Array.from({ length: 6 }, () => digest());
      const decisions = await Promise.all(codes.map((c) => s.store.authorizationCodes.decide(ticket, at(MINUTE), approve(c))));
      const won = decisions.filter((d) => d !== undefined);
      assert.equal(won.length, 1);
      assert.equal(won[0]?.id, r.id);
      assert.equal(won[0]?.status, 'issued');
      assert.equal(won[0]?.expiresAt.getTime(), at(11 * MINUTE).getTime());
      const code = codes[decisions.findIndex((d) => d !== undefined)];
      assert.deepEqual(await s.store.authorizationCodes.byCodeDigest(code), won[0]);
      assert.equal(await s.store.authorizationCodes.decide(ticket, at(MINUTE), 'deny'), undefined, 'the ticket ended');

      const denyTicket = digest();
      const d = await s.store.authorizationCodes.createRequest(newRequest(app.id, u.id, { ticketDigest: denyTicket }));
      const denied = await s.store.authorizationCodes.decide(denyTicket, at(MINUTE), 'deny');
      assert.equal(denied?.id, d.id);
      assert.equal(denied?.state, 'st');
      assert.equal(await s.store.authorizationCodes.byId(d.id), undefined, 'a denied request is deleted');

      const lateTicket = digest();
      await s.store.authorizationCodes.createRequest(newRequest(app.id, u.id, { ticketDigest: lateTicket }));
      assert.equal(await s.store.authorizationCodes.decide(lateTicket, at(5 * MINUTE), approve(digest())), undefined, 'an expired ticket is not decided');
    });

    it('an issued code is used once (of parallel uses one wins), never after it expired; expired requests are deleted; they go with their app', async () => {
      const app = await makeApp(s.store, null);
      const u = await makeUser(s.store);
      const ticket = digest();
      const r = await s.store.authorizationCodes.createRequest(newRequest(app.id, u.id, { ticketDigest: ticket }));
      assert.equal(await s.store.authorizationCodes.markUsed(r.id, (await makeToken(s.store, u.id)).id, at(MINUTE)), false, 'a pending request is not used');
      await s.store.authorizationCodes.decide(ticket, at(MINUTE), approve(digest()));
      const t1 = await makeToken(s.store, u.id);
      const t2 = await makeToken(s.store, u.id);
      const used = await Promise.all([s.store.authorizationCodes.markUsed(r.id, t1.id, at(2 * MINUTE)), s.store.authorizationCodes.markUsed(r.id, t2.id, at(2 * MINUTE))]);
      assert.deepEqual(used.sort(), [false, true]);
      const after = await s.store.authorizationCodes.byId(r.id);
      assert.equal(after?.status, 'used');
      assert.ok(after?.tokenId === t1.id || after?.tokenId === t2.id);

      const lateTicket = digest();
      const late = await s.store.authorizationCodes.createRequest(newRequest(app.id, u.id, { ticketDigest: lateTicket }));
      await s.store.authorizationCodes.decide(lateTicket, at(MINUTE), approve(digest()));
      assert.equal(await s.store.authorizationCodes.markUsed(late.id, t1.id, at(11 * MINUTE)), false, 'an expired code is not used');

      const old = await s.store.authorizationCodes.createRequest(newRequest(app.id, u.id, { expiresAt: at(MINUTE) }));
      assert.equal(await s.store.authorizationCodes.deleteExpired(at(2 * MINUTE)), 1);
      assert.equal(await s.store.authorizationCodes.byId(old.id), undefined);
      assert.ok(await s.store.authorizationCodes.byId(r.id));
      await s.store.oauthApps.delete(app.id);
      assert.equal(await s.store.authorizationCodes.byId(r.id), undefined, 'they go with their app');
    });
  });
}
