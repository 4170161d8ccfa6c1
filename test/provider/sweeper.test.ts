// The sweeper revokes tokens unused for 365 days (never used: counted from creation; one waiting for
// an org's approval leaves the org's queue with it), and forgets
// the API rate-limit counts of ended windows and the sign-in counts no longer in force, with the
// provider's clock moved forward.
import * as assert from 'node:assert/strict';
import { createUser } from '../builders/users';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createClassicToken, createFineGrainedToken } from '../builders/tokens';
import { selectRows } from './helpers/database-access';
import { startTestProvider, TestProvider } from './helpers/provider';

const DAY = 24 * 60 * 60_000;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('unused-token sweeper', () => {
  let t: TestProvider;
  before(async () => {
    t = await startTestProvider({ sweepIntervalMs: 20 });
  });
  after(async () => t.close());

  it('revokes a token unused for 365 days and keeps one used within them', async () => {
    const user = await createUser(t);
    const unused = await createClassicToken(t, user, { name: 'never used', scopes: ['repo'] });
    const used = await createClassicToken(t, user, { name: 'used', scopes: ['repo'] });
    const sometimes = await createClassicToken(t, user, { name: 'used long ago', scopes: ['repo'] });
    await t.api.get('/user', { token: sometimes.token });

    t.clock.advance(200 * DAY);
    await t.api.get('/user', { token: used.token });
    t.clock.advance(164 * DAY); // 364 days after creation: nothing is due yet
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await t.api.get(`/user/personal-access-tokens/${unused.id}`, { basic: user })).json.status, 'active');

    t.clock.advance(2 * DAY); // 366 days after creation, 166 after `used` was used
    const status = async (id: number) => (await t.api.get(`/user/personal-access-tokens/${id}`, { basic: user })).json;
    await until('the unused tokens to be revoked', async () => (await status(unused.id)).status === 'revoked' && (await status(sometimes.id)).status === 'revoked');
    const revoked = await status(unused.id);
    assert.match(revoked.status_reason, /unused for 365 days/);
    assert.equal((await status(used.id)).status, 'active');
    assert.equal((await t.api.get('/user', { token: unused.token })).status, 401);
    assert.equal((await t.api.get('/user', { token: used.token })).status, 200);

    const log = await t.api.get('/user/audit-log?phrase=action:personal_access_token.auto_revoked', { basic: user });
    assert.deepEqual(log.json.map((e: { token_id: number }) => e.token_id).sort(), [unused.id, sometimes.id].sort());
  });

  it("revokes a fine-grained token unused while it waited for an org's approval, and takes its request out of the org's queue", async () => {
    const owner = await createUser(t);
    const member = await createUser(t);
    const org = await createOrg(t, owner);
    await addMember(t, org, owner, member);
    await setPolicy(t, org, owner, { require_approval: true });
    const waiting = await createFineGrainedToken(t, member, { resource_owner: org, expires_in_days: 366, permissions: { organization: { members: 'read' } } });
    assert.equal(waiting.status, 'pending');
    const queue = async () => (await t.api.get(`/orgs/${org}/personal-access-token-requests`, { basic: owner })).json as { id: number; token_id: number }[];
    const [request] = await queue();
    assert.equal(request.token_id, waiting.id);

    t.clock.advance(366 * DAY);
    await until('the unused token to be revoked', async () => (await t.api.get(`/user/personal-access-tokens/${waiting.id}`, { basic: member })).json.status === 'revoked');
    assert.deepEqual(await queue(), []);
    const review = await t.api.post(`/orgs/${org}/personal-access-token-requests/${request.id}`, { basic: owner, body: { action: 'approve' } });
    assert.equal(review.status, 422, review.text);
  });

  it('forgets the rate-limit counts of windows that have ended', async () => {
    const user = await createUser(t);
    const { token } = await createClassicToken(t, user, { name: 'counted', scopes: ['repo'] });
    assert.equal((await t.api.get('/user', { token })).status, 200);
    // window_start: an ISO string (SQLite) or a Date (PostgreSQL).
    const time = (v: string | Date) => new Date(v).getTime();
    const counts = async () => (await selectRows(t, 'SELECT key, window_start FROM rate_limits')) as { key: string; window_start: string | Date }[];
    const before = (await counts()).find((r) => r.key === `user:${user.id}`);
    assert.ok(before, JSON.stringify(await counts()));
    t.clock.advance(2 * 60 * 60_000);
    await until('the ended window to be forgotten', async () => (await counts()).every((r) => time(r.window_start) > time(before.window_start)));
    assert.equal((await counts()).length, 0);
    assert.equal((await t.api.get('/user', { token })).headers.get('x-ratelimit-used'), '1', 'a new window counts from 1');
  });

  it('forgets sign-in failures whose window has ended (an unknown login that never signs in leaves nothing behind)', async () => {
    const failed = await t.api.get('/user', { basic: { login: 'nobody-at-all', password: 'wrong' } });
    assert.equal(failed.status, 401);
    const rows = async () => (await selectRows(t, 'SELECT key FROM sign_in_failures')).length;
    assert.ok((await rows()) >= 1);
    t.clock.advance(2 * 60 * 60_000);
    await until('the ended sign-in counts to be forgotten', async () => (await rows()) === 0);
  });
});
