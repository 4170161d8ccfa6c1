// Classic scopes: GitHub's hierarchy and normalization.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { CLASSIC_SCOPES, expandScopes, hasScope, normalizeScopes, unknownScopes, widensScopes } from '../../src/shared/classic-scopes';

const NAMES = CLASSIC_SCOPES.map((s) => s.name);
const scopeList = fc.array(fc.constantFrom(...NAMES), { maxLength: 8 });

describe('classic scopes', () => {
  it('normalizes like GitHub: duplicates removed, children of a present parent dropped', () => {
    assert.deepEqual(normalizeScopes(['user', 'user:email']), ['user']);
    assert.deepEqual(normalizeScopes(['repo', 'public_repo', 'repo:status', 'repo']), ['repo']);
    assert.deepEqual(normalizeScopes(['read:org', 'admin:org']), ['admin:org']);
    assert.deepEqual(normalizeScopes(['read:org', 'write:public_key']), ['read:org', 'write:public_key']);
    assert.deepEqual(normalizeScopes([]), []);
  });

  it('the hierarchy: repo ⊃ public_repo, admin:org ⊃ write:org ⊃ read:org, user ⊃ user:email', () => {
    assert.ok(hasScope(['repo'], 'public_repo'));
    assert.ok(hasScope(['repo'], 'repo:status'));
    assert.ok(!hasScope(['public_repo'], 'repo'));
    assert.ok(hasScope(['admin:org'], 'read:org'));
    assert.ok(hasScope(['write:org'], 'read:org'));
    assert.ok(!hasScope(['read:org'], 'write:org'));
    assert.ok(hasScope(['admin:public_key'], 'read:public_key'));
    assert.ok(hasScope(['user'], 'user:email') && hasScope(['user'], 'read:user'));
    assert.ok(!hasScope(['user'], 'admin:token'));
    assert.ok(!hasScope([], 'repo'));
  });

  it('reports unknown names', () => {
    assert.deepEqual(unknownScopes(['repo', 'nope', 'admin:everything']), ['nope', 'admin:everything']);
  });

  it('normalization keeps what the list grants (property)', () => {
    fc.assert(
      fc.property(scopeList, (scopes) => {
        const n = normalizeScopes(scopes);
        assert.deepEqual(expandScopes(n), expandScopes(scopes));
        assert.deepEqual(normalizeScopes(n), n, 'idempotent');
        for (const s of NAMES) assert.equal(hasScope(n, s), hasScope(scopes, s));
      }),
    );
  });

  it('widening: true exactly when the new list grants something the old did not (property)', () => {
    fc.assert(
      fc.property(scopeList, scopeList, (a, b) => {
        const grantsMore = NAMES.some((s) => hasScope(b, s) && !hasScope(a, s));
        assert.equal(widensScopes(a, b), grantsMore);
        assert.equal(widensScopes(a, a), false);
      }),
    );
  });
});
