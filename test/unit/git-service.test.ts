import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import {
  gitPathInfo,
  InvalidRepositoryNameError,
  repositoryPath,
  validateOwnerName,
  validateRepositoryName,
} from '../../src/provider/git/bare-repos';
import { backendQueryString, parseGitRepositoryPath, parseGitSmartHttpRequest } from '../../src/provider/git/git-service';

describe('git smart HTTP request classification', () => {
  it('info/refs advertisements: upload-pack reads, receive-pack writes', () => {
    assert.deepEqual(parseGitSmartHttpRequest('GET', '/info/refs', '?service=git-upload-pack'), {
      ok: true,
      service: 'upload-pack',
      phase: 'advertisement',
      access: 'read',
    });
    assert.deepEqual(parseGitSmartHttpRequest('GET', '/info/refs', 'service=git-receive-pack'), {
      ok: true,
      service: 'receive-pack',
      phase: 'advertisement',
      access: 'write',
    });
    assert.deepEqual(parseGitSmartHttpRequest('GET', '/info/refs', new URLSearchParams({ service: 'git-receive-pack' })), {
      ok: true,
      service: 'receive-pack',
      phase: 'advertisement',
      access: 'write',
    });
  });

  it('RPC POSTs: git-upload-pack reads, git-receive-pack writes', () => {
    assert.deepEqual(parseGitSmartHttpRequest('POST', '/git-upload-pack', ''), { ok: true, service: 'upload-pack', phase: 'rpc', access: 'read' });
    assert.deepEqual(parseGitSmartHttpRequest('post', '/git-receive-pack', ''), { ok: true, service: 'receive-pack', phase: 'rpc', access: 'write' });
  });

  it('refuses dumb HTTP, unknown services, wrong methods and other paths', () => {
    assert.deepEqual(parseGitSmartHttpRequest('GET', '/info/refs', ''), {
      ok: false,
      status: 403,
      message: 'only git smart HTTP is supported: info/refs needs ?service=git-upload-pack or git-receive-pack',
    });
    const unknown = parseGitSmartHttpRequest('GET', '/info/refs', 'service=git-upload-archive');
    assert.equal(unknown.ok, false);
    assert.equal(!unknown.ok && unknown.status, 400);
    const getRpc = parseGitSmartHttpRequest('GET', '/git-receive-pack', '');
    assert.equal(!getRpc.ok && getRpc.status, 405);
    const postRefs = parseGitSmartHttpRequest('POST', '/info/refs', 'service=git-upload-pack');
    assert.equal(!postRefs.ok && postRefs.status, 405);
    for (const p of ['/HEAD', '/objects/info/packs', '/objects/12/3456', '/git-upload-archive', '']) {
      const r = parseGitSmartHttpRequest('GET', p, '');
      assert.equal(!r.ok && r.status, 404, p);
    }
  });

  it('refuses a repeated service (readers taking the first and the last value would disagree) and names from Object.prototype', () => {
    for (const query of ['service=git-upload-pack&service=git-receive-pack', 'service=git-receive-pack&service=git-upload-pack', 'service=git-upload-pack&service=git-upload-pack']) {
      assert.deepEqual(parseGitSmartHttpRequest('GET', '/info/refs', query), { ok: false, status: 400, message: 'the service parameter must be given once' }, query);
    }
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const r = parseGitSmartHttpRequest('GET', '/info/refs', `service=${name}`);
      assert.deepEqual(r, { ok: false, status: 400, message: `unknown git service '${name}'` }, name);
    }
  });

  it('git http-backend gets a query made from the validated service only', () => {
    const refs = parseGitSmartHttpRequest('GET', '/info/refs', 'service=git-receive-pack&x=1');
    assert.ok(refs.ok);
    assert.equal(backendQueryString(refs), 'service=git-receive-pack');
    const rpc = parseGitSmartHttpRequest('POST', '/git-upload-pack', 'service=git-receive-pack');
    assert.ok(rpc.ok);
    assert.equal(backendQueryString(rpc), '');
  });

  it('splits /owner/repo.git/... paths (.git optional, percent-decoding, no slashes in names)', () => {
    assert.deepEqual(parseGitRepositoryPath('/acme/site.git/info/refs'), { owner: 'acme', repo: 'site', subPath: '/info/refs' });
    assert.deepEqual(parseGitRepositoryPath('/acme/site/git-upload-pack'), { owner: 'acme', repo: 'site', subPath: '/git-upload-pack' });
    assert.deepEqual(parseGitRepositoryPath('/acme/my.site.git/git-receive-pack'), { owner: 'acme', repo: 'my.site', subPath: '/git-receive-pack' });
    assert.equal(parseGitRepositoryPath('/acme/site.git/HEAD'), undefined);
    assert.equal(parseGitRepositoryPath('/acme/site.git'), undefined);
    assert.equal(parseGitRepositoryPath('/a/b/c.git/info/refs'), undefined);
    assert.equal(parseGitRepositoryPath('/acme/..%2f..%2fetc.git/info/refs'), undefined);
    assert.equal(parseGitRepositoryPath('/acme/%E0%A4%A.git/info/refs'), undefined);
    assert.deepEqual(parseGitRepositoryPath('/acme/..git/info/refs'), { owner: 'acme', repo: '.', subPath: '/info/refs' });
  });
});

describe('repository names and paths on disk', () => {
  const root = path.resolve('/srv/tessera/repositories');

  it('accepts GitHub-like names and lower-cases the path', () => {
    for (const name of ['site', 'my-site', 'my_site', 'site.io', '.github', 'A1', 'x'.repeat(100)]) {
      assert.equal(validateRepositoryName(name), undefined, name);
    }
    assert.equal(repositoryPath(root, 'Acme', 'Site'), path.join(root, 'acme', 'site.git'));
    assert.equal(gitPathInfo('Acme', 'My.Site', '/info/refs'), '/acme/my.site.git/info/refs');
  });

  it('rejects names that could leave the root or confuse git', () => {
    const bad = ['', '.', '..', 'a..b', '../x', 'a/b', 'a\\b', 'site.git', 'SITE.GIT', '-rf', 'a b', 'é', 'x'.repeat(101), 'a\0b'];
    for (const name of bad) {
      assert.equal(typeof validateRepositoryName(name), 'string', JSON.stringify(name));
      assert.throws(() => repositoryPath(root, 'acme', name), InvalidRepositoryNameError);
    }
    assert.equal(typeof validateOwnerName('.trash'), 'string');
    assert.throws(() => repositoryPath(root, '..', 'site'), (err: InvalidRepositoryNameError) => err.field === 'owner');
    assert.throws(() => gitPathInfo('acme', 'site', '/objects/info/packs'));
  });

  // Strings made mostly of the characters that matter for paths.
  const segment = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.string({ unit: fc.constantFrom('a', 'B', '.', '/', '\\', '-', '_', '.git', '..', '%2f', '\0'), maxLength: 8 }),
  );

  it('never resolves outside the root (property)', () => {
    fc.assert(
      fc.property(segment, segment, (owner, name) => {
        let full: string;
        try {
          full = repositoryPath(root, owner, name);
        } catch (err) {
          return err instanceof InvalidRepositoryNameError;
        }
        const rel = path.relative(root, full);
        return !rel.startsWith('..') && !path.isAbsolute(rel) && rel.split(path.sep).length === 2 && rel.endsWith('.git');
      }),
      { numRuns: 2000 },
    );
  });
});
