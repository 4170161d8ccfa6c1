// Which token git gets (src/extension/git/credential-selection.ts): fetch vs push, owners,
// repositories, classic scopes, states and expiry.
import * as assert from 'node:assert/strict';
import {
  selectCredential,
  selectForUnknownOperation,
  selectWithoutPath,
  type RepoTarget,
  type TokenCandidate,
} from '../../src/extension/git/credential-selection';

const NOW = new Date('2025-06-01T00:00:00Z');
const FUTURE = '2025-12-01T00:00:00Z';
const PAST = '2025-05-01T00:00:00Z';

let nextId = 1;
function fg(owner: string, repos: string[] | 'all', contents: 'read' | 'write' | undefined, extra: Partial<TokenCandidate> = {}): TokenCandidate {
  const id = nextId++;
  return {
    accountId: 'https://127.0.0.1:47443#1',
    tokenId: id,
    secret: `secret-${id}`,
    kind: 'fine_grained',
    resourceOwner: owner,
    repositorySelection: repos === 'all' ? 'all' : 'subset',
    repositories: repos === 'all' ? [] : repos.map((name) => ({ name })),
    permissions: contents ? { repository: { contents } } : {},
    status: 'active',
    expiresAt: FUTURE,
    ...extra,
  };
}
function classic(scopes: string[], extra: Partial<TokenCandidate> = {}): TokenCandidate {
  const id = nextId++;
  return { accountId: 'https://127.0.0.1:47443#1', tokenId: id, secret: `secret-${id}`, kind: 'classic', scopes, status: 'active', expiresAt: null, ...extra };
}

const ACME_SITE: RepoTarget = { owner: 'acme', repo: 'site', isPublic: false };
const ALICE_APP: RepoTarget = { owner: 'alice', repo: 'app', isPublic: false };

describe('git credential selection: fetch vs push', () => {
  const read = fg('acme', ['site'], 'read');
  const write = fg('acme', ['site'], 'write');

  it('push needs contents:write — the read-only token is never chosen for a push', () => {
    assert.equal(selectCredential([read, write], ACME_SITE, 'push', NOW), write);
    assert.equal(selectCredential([read], ACME_SITE, 'push', NOW), undefined);
  });

  it('fetch takes the read-only token when there is one (least privilege)', () => {
    assert.equal(selectCredential([write, read], ACME_SITE, 'fetch', NOW), read);
    assert.equal(selectCredential([write], ACME_SITE, 'fetch', NOW), write);
  });

  it('an unknown operation (vscode.git askpass) prefers a token that can push, else one that can fetch', () => {
    assert.deepEqual(selectForUnknownOperation([read, write], ACME_SITE, NOW), { candidate: write, operation: 'push' });
    assert.deepEqual(selectForUnknownOperation([read], ACME_SITE, NOW), { candidate: read, operation: 'fetch' });
    assert.equal(selectForUnknownOperation([], ACME_SITE, NOW), undefined);
  });

  it('a token without contents does not fetch a private repository', () => {
    assert.equal(selectCredential([fg('acme', ['site'], undefined)], ACME_SITE, 'fetch', NOW), undefined);
  });
});

describe('git credential selection: owners and repositories', () => {
  const acmeSite = fg('acme', ['site'], 'write');
  const aliceApp = fg('alice', ['app'], 'write');
  const acmeAll = fg('acme', 'all', 'write');

  it('two repositories of different owners each get their owner’s token', () => {
    const all = [acmeSite, aliceApp];
    assert.equal(selectCredential(all, ACME_SITE, 'push', NOW), acmeSite);
    assert.equal(selectCredential(all, ALICE_APP, 'push', NOW), aliceApp);
    assert.equal(selectCredential(all, ALICE_APP, 'fetch', NOW), aliceApp);
  });

  it('a token of another owner with the same repository name is not used', () => {
    assert.equal(selectCredential([fg('bob', ['site'], 'write')], ACME_SITE, 'push', NOW), undefined);
  });

  it('a subset token that does not list the repository is not used', () => {
    assert.equal(selectCredential([fg('acme', ['docs'], 'write')], ACME_SITE, 'push', NOW), undefined);
  });

  it('a token naming the repository beats one for all repositories of the owner', () => {
    assert.equal(selectCredential([acmeAll, acmeSite], ACME_SITE, 'push', NOW), acmeSite);
    assert.equal(selectCredential([acmeAll], { owner: 'acme', repo: 'other' }, 'push', NOW), acmeAll);
  });

  it('repositories match by id, by full name, and case-insensitively', () => {
    const byId = fg('acme', [], 'write', { repositories: [{ id: 42 }] });
    assert.equal(selectCredential([byId], { ...ACME_SITE, repoId: 42 }, 'push', NOW), byId);
    assert.equal(selectCredential([byId], { ...ACME_SITE, repoId: 43 }, 'push', NOW), undefined);
    const byFull = fg('acme', [], 'write', { repositories: [{ fullName: 'ACME/Site' }] });
    assert.equal(selectCredential([byFull], ACME_SITE, 'push', NOW), byFull);
    assert.equal(selectCredential([fg('ACME', ['SITE'], 'write')], ACME_SITE, 'push', NOW)?.resourceOwner, 'ACME');
  });

  it('fine-grained before classic', () => {
    const repo = classic(['repo']);
    assert.equal(selectCredential([repo, acmeSite], ACME_SITE, 'push', NOW), acmeSite);
    assert.equal(selectCredential([repo, acmeSite], { owner: 'zed', repo: 'x' }, 'push', NOW), repo);
  });
});

describe('git credential selection: classic scopes', () => {
  it('repo works for private repositories, public_repo only for public ones', () => {
    const pub = classic(['public_repo']);
    const repo = classic(['repo']);
    assert.equal(selectCredential([pub], ACME_SITE, 'push', NOW), undefined);
    assert.equal(selectCredential([pub, repo], ACME_SITE, 'push', NOW), repo);
    assert.equal(selectCredential([repo, pub], { ...ACME_SITE, isPublic: true }, 'push', NOW), pub);
  });

  it('unknown visibility counts as private', () => {
    assert.equal(selectCredential([classic(['public_repo'])], { owner: 'acme', repo: 'site' }, 'fetch', NOW), undefined);
  });

  it('a token without repo scopes fetches a public repository but never pushes', () => {
    const user = classic(['user']);
    const target = { ...ACME_SITE, isPublic: true };
    assert.equal(selectCredential([user], target, 'fetch', NOW), user);
    assert.equal(selectCredential([user], target, 'push', NOW), undefined);
  });

  it('fewer scopes first among equals', () => {
    const wide = classic(['repo', 'admin:org', 'user']);
    const narrow = classic(['repo']);
    assert.equal(selectCredential([wide, narrow], ACME_SITE, 'push', NOW), narrow);
  });

  it('without a repository path only a classic repo token answers', () => {
    const repo = classic(['repo']);
    assert.equal(selectWithoutPath([fg('acme', 'all', 'write'), classic(['user']), repo], NOW), repo);
    assert.equal(selectWithoutPath([fg('acme', 'all', 'write')], NOW), undefined);
  });
});

describe('git credential selection: states and expiry', () => {
  it('pending, denied, revoked and expired tokens are never used', () => {
    for (const status of ['pending', 'denied', 'revoked', 'expired']) {
      assert.equal(selectCredential([fg('acme', ['site'], 'write', { status })], ACME_SITE, 'push', NOW), undefined, status);
    }
    assert.equal(selectCredential([fg('acme', ['site'], 'write', { expiresAt: PAST })], ACME_SITE, 'push', NOW), undefined);
    assert.equal(selectCredential([classic(['repo'], { expiresAt: PAST })], ACME_SITE, 'push', NOW), undefined);
  });

  it('among equals the one that expires last, then the newest', () => {
    const soon = fg('acme', ['site'], 'write', { expiresAt: '2025-06-10T00:00:00Z' });
    const later = fg('acme', ['site'], 'write', { expiresAt: '2025-09-10T00:00:00Z' });
    assert.equal(selectCredential([soon, later], ACME_SITE, 'push', NOW), later);
    const a = classic(['repo']);
    const b = classic(['repo']);
    assert.equal(selectCredential([a, b], ACME_SITE, 'push', NOW), b.tokenId > a.tokenId ? b : a);
  });
});
