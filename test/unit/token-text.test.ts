// How the views and webviews read a token's state from the provider's JSON: a denial's reason is
// the token's `status_reason` (blank means none given), and permission rows come from a token's
// permission set or an approval request's grant object (whose `other` holds account permissions);
// the expiry warning starts in proportion to the token's lifetime.
import * as assert from 'node:assert/strict';
import { DAY_MS, denialReason, expiryChangedText, expiryText, isExpiringSoon, permissionEntries, stateText } from '../../src/shared/token-text';
import type { TokenJson } from '../../src/shared/api-types';

const denied: TokenJson = {
  id: 1, kind: 'fine_grained', name: 't', description: null, token_last_eight: 'abcdefgh', status: 'denied', status_reason: 'use read-only access',
  expires_at: null, created_at: '2030-01-01T00:00:00Z', updated_at: '2030-01-01T00:00:00Z', last_used_at: null, url: 'https://p.test/api/v3/user/personal-access-tokens/1',
};

describe('shared: token texts from the provider JSON', () => {
  it("takes a denial's reason from status_reason, and none from a blank one", () => {
    assert.equal(denialReason(denied), 'use read-only access');
    assert.equal(stateText(denied, Date.now()), 'denied: use read-only access');
    assert.equal(denialReason({ status_reason: '   ' }), undefined);
    assert.equal(denialReason({ status_reason: null }), undefined);
    assert.equal(stateText({ ...denied, status_reason: null }, Date.now()), 'denied');
  });

  it('lists permission rows of a permission set and of a grant object', () => {
    assert.deepEqual(permissionEntries({ repository: { contents: 'write' }, account: { emails: 'read' } }), [
      { group: 'repository', name: 'contents', level: 'write' },
      { group: 'account', name: 'emails', level: 'read' },
    ]);
    assert.deepEqual(permissionEntries({ organization: { members: 'read' }, repository: {}, other: { emails: 'read' } }), [
      { group: 'organization', name: 'members', level: 'read' },
      { group: 'account', name: 'emails', level: 'read' },
    ]);
    assert.deepEqual(permissionEntries(undefined), []);
  });

  it("tells a changed expiry, and that a token now pending waits for its organization's owners", () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    const active = { ...denied, status: 'active', status_reason: null, name: 'deploy', expires_at: '2030-01-31T00:00:00Z', resource_owner: 'acme' } as TokenJson;
    assert.equal(expiryChangedText(active, now), `“deploy” now ${expiryText(active, now)}.`);
    assert.equal(
      expiryChangedText({ ...active, status: 'pending' }, now),
      `“deploy” now ${expiryText(active, now)}; it waits for approval by the owners of acme.`,
    );
  });
});

describe('shared: the expiry warning, in proportion to the lifetime', () => {
  const now = Date.parse('2031-06-15T12:00:00Z');
  const made = (daysAgo: number, lifetimeDays: number): TokenJson => {
    const start = new Date(now - daysAgo * DAY_MS).toISOString();
    return { ...denied, status: 'active', created_at: start, updated_at: start, expires_at: new Date(now - daysAgo * DAY_MS + lifetimeDays * DAY_MS).toISOString() };
  };

  it('does not warn about a 7-day token when it is made, nor until less than a fifth of its week is left', () => {
    assert.equal(isExpiringSoon(made(0, 7), now), false);
    assert.equal(isExpiringSoon(made(5, 7), now), false, '2 days of 7 left: more than 20 %');
    assert.equal(isExpiringSoon(made(5.7, 7), now), true, '1.3 days of 7 left: less than 20 %');
  });

  it('warns about a long-lived token only in its last 7 days', () => {
    assert.equal(isExpiringSoon(made(82, 90), now), false, '8 days left');
    assert.equal(isExpiringSoon(made(84, 90), now), true, '6 days left: under 7 days and under 20 % of 90');
    assert.equal(isExpiringSoon(made(24, 30), now), false, '6 days of 30 left: exactly 20 %');
    assert.equal(isExpiringSoon(made(25, 30), now), true, '5 days of 30 left');
  });

  it('counts the lifetime from the last update (a regenerated token with a new expiry starts again)', () => {
    const old = made(300, 307); // made 300 days ago, expiry 7 days from now
    assert.equal(isExpiringSoon(old, now), true, 'created long ago, never updated');
    assert.equal(isExpiringSoon({ ...old, updated_at: new Date(now).toISOString() }, now), false, 'regenerated just now for 7 days');
  });

  it('never warns about an unusable, expired or never-expiring token; unknown start: the last 7 days', () => {
    assert.equal(isExpiringSoon({ ...made(6.5, 7), status: 'denied' }, now), false);
    assert.equal(isExpiringSoon({ ...made(6.5, 7), status: 'pending' }, now), true);
    assert.equal(isExpiringSoon(made(8, 7), now), false, 'already expired');
    assert.equal(isExpiringSoon({ ...made(1, 7), expires_at: null }, now), false);
    assert.equal(isExpiringSoon({ status: 'active', expires_at: new Date(now + 3 * DAY_MS).toISOString() }, now), true);
    assert.equal(isExpiringSoon({ status: 'active', expires_at: new Date(now + 8 * DAY_MS).toISOString() }, now), false);
  });
});
