// The per-account SecretStorage value (src/extension/accounts/account-secrets.ts).
import * as assert from 'node:assert/strict';
import {
  accountIdFromSecretKey,
  accountIdOf,
  diffSessions,
  parseAccountSecrets,
  secretKeyOf,
  serializeAccountSecrets,
  sessionExpired,
  sessionIdOf,
  usableTokenSecrets,
  type AccountSecrets,
  type StoredSession,
} from '../../src/extension/accounts/account-secrets';

const session = (tokenId: number, token: string, scopes = ['repo']): StoredSession => ({
  id: sessionIdOf('https://h:1#7', tokenId), tokenId, scopes, kind: 'classic', token, createdAt: '2025-01-01T00:00:00Z',
});

const value: AccountSecrets = {
  v: 1,
  account: { providerOrigin: 'https://h:1', userId: 7, login: 'alice', twoFactorEnabled: true },
  admin: { tokenId: 1, token: 'admin-secret', createdAt: '2025-01-01T00:00:00Z' },
  sessions: [session(2, 's2')],
  tokens: [{ tokenId: 3, token: 't3' }],
};

describe('extension: account secrets value', () => {
  it('keys: one value per provider origin + account id', () => {
    const id = accountIdOf('https://127.0.0.1:47443', 7);
    assert.equal(id, 'https://127.0.0.1:47443#7');
    assert.equal(accountIdFromSecretKey(secretKeyOf(id)), id);
    assert.equal(accountIdFromSecretKey('other.key'), undefined);
    assert.notEqual(secretKeyOf(accountIdOf('https://a:1', 7)), secretKeyOf(accountIdOf('https://b:1', 7)));
  });

  it('round-trips through JSON', () => {
    assert.deepEqual(parseAccountSecrets(serializeAccountSecrets(value)), value);
  });

  it('refuses what it does not understand', () => {
    for (const raw of [undefined, '', 'not json', '{}', JSON.stringify({ ...value, v: 2 }), JSON.stringify({ ...value, admin: { tokenId: 'x' } })]) {
      assert.equal(parseAccountSecrets(raw), undefined, String(raw));
    }
  });

  it('drops malformed sessions and tokens but keeps the rest', () => {
    const raw = JSON.stringify({ ...value, sessions: [session(2, 's2'), { id: 5 }], tokens: [{ tokenId: 3, token: 't3' }, { token: 1 }] });
    const parsed = parseAccountSecrets(raw)!;
    assert.equal(parsed.sessions.length, 1);
    assert.equal(parsed.tokens.length, 1);
  });

  it('diffs sessions by id: added, removed, changed secret', () => {
    const before = [session(2, 's2'), session(4, 's4')];
    const after = [session(2, 's2-new'), session(5, 's5')];
    const d = diffSessions(before, after);
    assert.deepEqual(d.added.map((s) => s.tokenId), [5]);
    assert.deepEqual(d.removed.map((s) => s.tokenId), [4]);
    assert.deepEqual(d.changed.map((s) => s.tokenId), [2]);
    const same = diffSessions(before, before);
    assert.equal(same.added.length + same.removed.length + same.changed.length, 0);
  });

  it("keeps a session's recorded expiry (a date or null) and reads values stored before it was recorded", () => {
    const withExpiry = { ...value, sessions: [{ ...session(2, 's2'), expiresAt: '2025-02-01T00:00:00.000Z' }, { ...session(4, 's4'), expiresAt: null }, session(5, 's5')] };
    assert.deepEqual(parseAccountSecrets(serializeAccountSecrets(withExpiry)), withExpiry);
    const odd = parseAccountSecrets(JSON.stringify({ ...value, sessions: [{ ...session(2, 's2'), expiresAt: 12 }] }))!;
    assert.equal('expiresAt' in odd.sessions[0]!, false, 'an expiry that is not a date string or null is dropped (unknown)');
  });

  it('a session has expired once its recorded expiry has passed; without one (none, or unknown) never', () => {
    const at = Date.parse('2025-02-01T00:00:00Z');
    const s = { ...session(2, 's2'), expiresAt: '2025-02-01T00:00:00.000Z' };
    assert.equal(sessionExpired(s, at - 1), false);
    assert.equal(sessionExpired(s, at), true);
    assert.equal(sessionExpired({ ...s, expiresAt: null }, at + 1e12), false);
    assert.equal(sessionExpired(session(2, 's2'), at + 1e12), false);
    assert.equal(sessionExpired({ ...s, expiresAt: 'not a date' }, at + 1e12), false);
  });

  it('git may use session tokens and remembered tokens, never the admin token', () => {
    const m = usableTokenSecrets(value);
    assert.deepEqual([...m.entries()].sort(), [[2, 's2'], [3, 't3']]);
  });
});
