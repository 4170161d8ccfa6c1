// Classic scopes: GitHub's hierarchy and normalization.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { CLASSIC_SCOPES, expandScopes, isClassicScope, scopeGuards, scopeAncestors, hasScope, normalizeScopes, unknownScopes, widensScopes } from '../../src/shared/classic-scopes';

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

  it("GitHub's whole catalog is known; the scopes nothing in Tessera checks are flagged", () => {
    for (const name of ['gist', 'workflow', 'write:packages', 'read:packages', 'delete:packages', 'delete_repo', 'admin:public_key', 'notifications',
      'admin:repo_hook', 'admin:org_hook', 'user:follow', 'write:discussion', 'admin:enterprise', 'read:audit_log', 'codespace:secrets',
      'manage_billing:copilot', 'read:project', 'admin:gpg_key', 'read:ssh_signing_key', 'repo_deployment', 'repo:invite', 'security_events', 'manage_runners:org']) {
      assert.ok(isClassicScope(name), name);
    }
    assert.deepEqual(unknownScopes(['gist', 'workflow', 'write:packages']), []);
    assert.equal(scopeGuards('gist'), false);
    assert.equal(scopeGuards('workflow'), false);
    assert.equal(scopeGuards('repo'), true);
    assert.equal(scopeGuards('delete_repo'), true);
    assert.equal(scopeGuards('admin:token'), true);
    assert.deepEqual(scopeAncestors('read:packages'), ['write:packages']);
    assert.deepEqual(scopeAncestors('read:gpg_key'), ['write:gpg_key', 'admin:gpg_key']);
    assert.ok(hasScope(['admin:enterprise'], 'read:enterprise'));
    assert.ok(hasScope(['user'], 'user:follow'));
    assert.deepEqual(normalizeScopes(['workflow', 'gist', 'repo']), ['repo', 'workflow', 'gist']);
    for (const sc of CLASSIC_SCOPES) if (sc.parent) assert.ok(isClassicScope(sc.parent), `${sc.name}'s parent ${sc.parent}`);
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
