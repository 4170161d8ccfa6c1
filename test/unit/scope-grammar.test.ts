// The session scope grammar (src/extension/auth/scope-grammar.ts, docs/scope-grammar.md).
import * as assert from 'node:assert/strict';
import {
  canonicalScopes,
  DEFAULT_FINE_GRAINED_EXPIRY_DAYS,
  expiresAt,
  parseScopes,
  sameScopeSet,
  ScopeGrammarError,
  sessionTokenName,
  tokenGrantsScopes,
} from '../../src/extension/auth/scope-grammar';

const TODAY = new Date('2025-06-01T12:00:00Z');

function grammarError(scopes: string[], pattern: RegExp): void {
  assert.throws(
    () => parseScopes(scopes, TODAY),
    (e: unknown) => e instanceof ScopeGrammarError && pattern.test(e.message),
    `expected a ScopeGrammarError matching ${pattern} for ${JSON.stringify(scopes)}`,
  );
}

describe('scope grammar: classic scopes', () => {
  it('parses known classic scopes, deduplicated, in the order given', () => {
    assert.deepEqual(parseScopes(['repo', 'user:email', 'repo'], TODAY), { kind: 'classic', scopes: ['repo', 'user:email'] });
  });

  it('an empty list is a classic token without scopes (public data only)', () => {
    assert.deepEqual(parseScopes([], TODAY), { kind: 'classic', scopes: [] });
  });

  it('accepts an expiry for classic tokens, including never', () => {
    assert.deepEqual(parseScopes(['repo', 'expires:30d'], TODAY), { kind: 'classic', scopes: ['repo'], expiry: { kind: 'days', days: 30 } });
    assert.deepEqual(parseScopes(['expires:never', 'user'], TODAY), { kind: 'classic', scopes: ['user'], expiry: { kind: 'never' } });
  });

  it('rejects an unknown classic scope and points at the fg: prefix', () => {
    grammarError(['repoo'], /'repoo' is not a classic scope.*fg:/);
    grammarError(['contents:write'], /not a classic scope/);
  });

  it('rejects empty strings and scopes with spaces', () => {
    grammarError([''], /non-empty/);
    grammarError([' repo'], /no spaces/);
    grammarError(['fg:acme/site:contents: write'], /no spaces/);
  });
});

describe('scope grammar: fine-grained scopes', () => {
  it('fg:owner/repo:permission:level → a subset token with that permission', () => {
    const r = parseScopes(['fg:acme/site:contents:write'], TODAY);
    assert.deepEqual(r, {
      kind: 'fine_grained',
      resourceOwner: 'acme',
      repositorySelection: 'subset',
      repositories: ['site'],
      permissions: { repository: { contents: 'write' } },
      expiry: { kind: 'days', days: DEFAULT_FINE_GRAINED_EXPIRY_DAYS },
    });
  });

  it('a comma list names several repositories with the same permissions', () => {
    const r = parseScopes(['fg:acme/site,docs:contents:read', 'fg:acme/site,docs:administration:write'], TODAY);
    assert.equal(r.kind, 'fine_grained');
    if (r.kind !== 'fine_grained') return;
    assert.deepEqual(r.repositories, ['docs', 'site']);
    assert.deepEqual(r.permissions, { repository: { contents: 'read', administration: 'write' } });
  });

  it('fg:owner/* selects all repositories of the owner', () => {
    const r = parseScopes(['fg:alice/*:contents:read'], TODAY);
    assert.equal(r.kind === 'fine_grained' && r.repositorySelection, 'all');
    assert.deepEqual(r.kind === 'fine_grained' && r.repositories, []);
  });

  it('fg:owner:permission:level asks for organization or account permissions (no repositories)', () => {
    const r = parseScopes(['fg:acme:members:read', 'fg:acme:organization_personal_access_token_requests:write'], TODAY);
    assert.deepEqual(r.kind === 'fine_grained' && r.permissions, {
      organization: { members: 'read', organization_personal_access_token_requests: 'write' },
    });
    assert.equal(r.kind === 'fine_grained' && r.repositorySelection, 'none');
    const a = parseScopes(['fg:alice:profile:write', 'fg:alice/app:contents:read'], TODAY);
    assert.deepEqual(a.kind === 'fine_grained' && a.permissions, { repository: { contents: 'read' }, account: { profile: 'write' } });
  });

  it('write wins over read for the same permission; owner names compare case-insensitively', () => {
    const r = parseScopes(['fg:Acme/site:contents:read', 'fg:acme/site:contents:write'], TODAY);
    assert.equal(r.kind, 'fine_grained');
    assert.deepEqual(r.kind === 'fine_grained' && r.permissions, { repository: { contents: 'write' } });
    assert.equal(r.kind === 'fine_grained' && r.resourceOwner, 'Acme');
  });

  it('takes an expiry in days or as a date', () => {
    const d = parseScopes(['fg:acme/site:contents:read', 'expires:7d'], TODAY);
    assert.deepEqual(d.kind === 'fine_grained' && d.expiry, { kind: 'days', days: 7 });
    const date = parseScopes(['fg:acme/site:contents:read', 'expires:2025-12-31'], TODAY);
    assert.deepEqual(date.kind === 'fine_grained' && date.expiry, { kind: 'date', date: '2025-12-31' });
  });
});

describe('scope grammar: errors', () => {
  it('mixing resource owners', () => {
    grammarError(['fg:acme/site:contents:write', 'fg:bob/app:contents:read'], /one resource owner.*'acme' and 'bob'/);
    grammarError(['fg:acme:members:read', 'fg:alice:profile:read'], /one resource owner/);
  });

  it('mixing classic and fine-grained scopes', () => {
    grammarError(['repo', 'fg:acme/site:contents:read'], /cannot be mixed/);
  });

  it('unknown permissions, with the known ones listed', () => {
    grammarError(['fg:acme/site:secrets:write'], /unknown permission 'secrets'.*contents/);
    grammarError(['fg:acme:billing:read'], /unknown permission 'billing'/);
  });

  it('a permission in the wrong place', () => {
    grammarError(['fg:acme:contents:write'], /'contents' is a repository permission/);
    grammarError(['fg:acme/site:members:read'], /'members' is an organization permission/);
  });

  it('levels: only read or write, and metadata is read-only', () => {
    grammarError(['fg:acme/site:contents:admin'], /'read' or 'write'/);
    grammarError(['fg:acme/site:metadata:write'], /'metadata' can only be read/);
  });

  it('malformed fine-grained scopes', () => {
    grammarError(['fg:acme'], /a fine-grained scope is/);
    grammarError(['fg:acme/site:contents'], /a fine-grained scope is/);
    grammarError(['fg:acme/site:contents:write:extra'], /a fine-grained scope is/);
    grammarError(['fg:/site:contents:write'], /not a valid owner name/);
    grammarError(['fg:acme/:contents:write'], /not a valid repository name/);
    grammarError(['fg:ac me/site:contents:write'], /no spaces/);
    grammarError(['fg:acme/si%te:contents:write'], /not a valid repository name/);
  });

  it('different permissions on different named repositories (the token would grant more than asked)', () => {
    grammarError(['fg:acme/site:contents:write', 'fg:acme/docs:contents:read'], /apply to every selected repository/);
  });

  it("'*' mixed with named repositories", () => {
    grammarError(['fg:acme/*:contents:read', 'fg:acme/site:contents:read'], /cannot be mixed/);
    grammarError(['fg:acme/site,*:contents:read'], /cannot be listed with named repositories/);
  });

  it('expiry: fine-grained tokens must expire; bad or conflicting expiries', () => {
    grammarError(['fg:acme/site:contents:read', 'expires:never'], /must expire/);
    grammarError(['repo', 'expires:0d'], /1 to 366 days/);
    grammarError(['repo', 'expires:400d'], /1 to 366 days/);
    grammarError(['repo', 'expires:2025-02-30'], /not a calendar date/);
    grammarError(['repo', 'expires:2025-05-01'], /in the future/);
    grammarError(['repo', 'expires:2030-01-01'], /more than 366 days/);
    grammarError(['repo', 'expires:soon'], /'<N>d', 'YYYY-MM-DD' or 'never'/);
    grammarError(['repo', 'expires:7d', 'expires:30d'], /only one expiry/);
  });

  it('a non-list is rejected', () => {
    assert.throws(() => parseScopes('repo' as unknown as string[], TODAY), ScopeGrammarError);
  });
});

describe('scope grammar: set semantics', () => {
  it('order and duplicates do not matter', () => {
    assert.ok(sameScopeSet(['repo', 'user:email'], ['user:email', 'repo', 'repo']));
    assert.ok(!sameScopeSet(['repo'], ['repo', 'user']));
    assert.ok(!sameScopeSet(['repo'], []));
  });

  it('a comma list equals the same repositories asked one by one', () => {
    assert.ok(sameScopeSet(['fg:acme/site,docs:contents:read'], ['fg:acme/docs:contents:read', 'fg:acme/site:contents:read']));
    assert.deepEqual(canonicalScopes(['fg:acme/site,docs:contents:read'], TODAY), ['fg:acme/docs:contents:read', 'fg:acme/site:contents:read']);
  });

  it('an invalid list matches nothing (not even itself)', () => {
    assert.ok(!sameScopeSet(['nope'], ['nope']));
  });
});

describe('scope grammar: helpers', () => {
  it('expiresAt: days from now, end of day for dates, null for none', () => {
    const now = new Date('2025-06-01T00:00:00Z');
    assert.equal(expiresAt({ kind: 'days', days: 2 }, now), '2025-06-03T00:00:00.000Z');
    assert.equal(expiresAt({ kind: 'date', date: '2025-07-01' }, now), '2025-07-01T23:59:59.000Z');
    assert.equal(expiresAt({ kind: 'never' }, now), null);
    assert.equal(expiresAt(undefined, now), null);
  });

  it('session token names say what they were made for', () => {
    assert.equal(sessionTokenName(['repo', 'user']), 'vscode: repo user');
    assert.equal(sessionTokenName([]), 'vscode: (no scopes)');
    assert.ok(sessionTokenName(Array(50).fill('fg:acme/site:contents:write')).length <= 100);
  });
});

describe('scope grammar: does a token (as the provider lists it) still grant a session its scopes', () => {
  const classic = (scopes: string[]) => ({ kind: 'classic' as const, scopes });
  const fine = (over: object) => ({ kind: 'fine_grained' as const, resource_owner: 'acme', repository_selection: 'subset' as const, ...over });
  const repo = (name: string) => ({ id: 1, name, full_name: `acme/${name}`, private: true, owner: { login: 'acme' } });

  it('classic: every requested scope, directly or through an ancestor; a narrowed token does not', () => {
    assert.equal(tokenGrantsScopes(['repo', 'user:email'], classic(['repo', 'user:email'])), true);
    assert.equal(tokenGrantsScopes(['public_repo', 'repo'], classic(['repo'])), true, 'the provider normalizes repo + public_repo to repo');
    assert.equal(tokenGrantsScopes(['read:org', 'expires:7d'], classic(['admin:org'])), true);
    assert.equal(tokenGrantsScopes(['repo', 'user:email'], classic(['user:email'])), false, 'repo was taken away');
    assert.equal(tokenGrantsScopes(['admin:org'], classic(['read:org'])), false);
    assert.equal(tokenGrantsScopes([], classic([])), true);
  });

  it('fine-grained: the owner, the repositories and each permission at its level', () => {
    const scopes = ['fg:acme/site,docs:contents:write', 'fg:acme:members:read'];
    const perms = { repository: { metadata: 'read', contents: 'write' }, organization: { members: 'read' } };
    assert.equal(tokenGrantsScopes(scopes, fine({ repositories: [repo('site'), repo('docs')], permissions: perms })), true);
    assert.equal(tokenGrantsScopes(scopes, fine({ repository_selection: 'all', permissions: perms })), true);
    assert.equal(tokenGrantsScopes(scopes, fine({ repositories: [repo('site')], permissions: perms })), false, 'a repository was deselected');
    assert.equal(
      tokenGrantsScopes(scopes, fine({ repositories: [repo('site'), repo('docs')], permissions: { ...perms, repository: { contents: 'read' } } })),
      false,
      'contents was lowered to read',
    );
    assert.equal(tokenGrantsScopes(scopes, fine({ repositories: [repo('site'), repo('docs')], permissions: { repository: perms.repository } })), false, 'members was taken away');
    assert.equal(tokenGrantsScopes(scopes, fine({ resource_owner: 'other', repositories: [repo('site'), repo('docs')], permissions: perms })), false);
    assert.equal(tokenGrantsScopes(['fg:acme/*:contents:read'], fine({ repositories: [repo('site')], permissions: perms })), false, 'all repositories were narrowed to some');
    assert.equal(tokenGrantsScopes(['repo'], fine({ repository_selection: 'all', permissions: perms })), false, 'a classic request is not served by a fine-grained token');
  });
});
