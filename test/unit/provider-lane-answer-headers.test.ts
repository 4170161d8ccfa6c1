// The fast lane's answer headers (src/provider/routes/user-fast-lane.ts, answerHeaders): made once
// per frozen token record and body length, and always what they would be made anew.
import * as assert from 'node:assert/strict';
import { answerHeaders } from '../../src/provider/routes/user-fast-lane';
import type { TokenRecord } from '../../src/provider/store/tokens';

function token(overrides: Partial<TokenRecord> = {}): TokenRecord {
  const now = new Date('2026-11-22T00:00:00Z');
  return {
    id: 1, userId: 1, kind: 'classic', note: 'n', description: null, noteUrl: null, clientId: null, fingerprint: null,
    scopes: ['repo', 'user'], resourceOwnerType: null, resourceOwnerId: null, repositorySelection: null, permissions: null,
    status: 'active', justification: null, statusReason: null, expiresAt: null, sudoUntil: null, lastUsedAt: now,
    tokenLastEight: 'abcdefgh', hashedToken: '00'.repeat(32), createdAt: now, updatedAt: now, ...overrides,
  };
}

const pairs = (headers: (string | number)[]) => Object.fromEntries(headers.flatMap((v, i) => (i % 2 ? [] : [[v, headers[i + 1]]])));

describe('fast lane answer headers', () => {
  it('are the common, token and content headers, the length following the body', () => {
    const headersFor = answerHeaders([]);
    const frozen = Object.freeze(token({ expiresAt: new Date('2027-01-02T03:04:05Z') }));
    assert.deepEqual(pairs(headersFor(frozen, 261)), {
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-oauth-scopes': 'repo, user',
      'x-accepted-oauth-scopes': '',
      'github-authentication-token-expiration': '2027-01-02 03:04:05 UTC',
      'content-type': 'application/json; charset=utf-8',
      'content-length': 261,
    });
    // The same record: the same list, made once; another length: another list.
    assert.equal(headersFor(frozen, 261), headersFor(frozen, 261));
    assert.equal(pairs(headersFor(frozen, 300))['content-length'], 300);
    assert.equal(pairs(headersFor(frozen, 261))['content-length'], 261);
  });

  it('follow another record of the same token, and never remember a record that may still change', () => {
    const headersFor = answerHeaders(['user']);
    const before = Object.freeze(token());
    assert.equal(pairs(headersFor(before, 10))['x-oauth-scopes'], 'repo, user');
    assert.equal(pairs(headersFor(before, 10))['x-accepted-oauth-scopes'], 'user');
    const after = Object.freeze(token({ scopes: ['read:user'] }));
    assert.equal(pairs(headersFor(after, 10))['x-oauth-scopes'], 'read:user');
    const mutable = token();
    headersFor(mutable, 10);
    mutable.scopes = ['gist'];
    assert.equal(pairs(headersFor(mutable, 10))['x-oauth-scopes'], 'gist');
    const fineGrained = Object.freeze(token({ kind: 'fine_grained', scopes: [] }));
    assert.equal(pairs(headersFor(fineGrained, 10))['x-oauth-scopes'], undefined);
  });
});
