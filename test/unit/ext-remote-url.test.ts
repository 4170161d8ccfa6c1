// Remote URLs of Tessera repositories (src/extension/git/remote-url.ts).
import * as assert from 'node:assert/strict';
import { cloneUrl, credentialUrlKey, httpUrlKey, parseRemoteUrl } from '../../src/extension/git/remote-url';

describe('extension: git remote URLs', () => {
  it('parses origin, owner and repository', () => {
    assert.deepEqual(parseRemoteUrl('https://127.0.0.1:47443/acme/site.git'), { origin: 'https://127.0.0.1:47443', owner: 'acme', repo: 'site' });
    assert.deepEqual(parseRemoteUrl('https://x-access-token@tessera.example/alice/app'), { origin: 'https://tessera.example', owner: 'alice', repo: 'app' });
    assert.deepEqual(parseRemoteUrl('https://h/acme/site.git/info/refs'), { origin: 'https://h', owner: 'acme', repo: 'site' });
  });

  it('an origin alone (git asking without credential.useHttpPath) has no owner/repo', () => {
    assert.deepEqual(parseRemoteUrl('https://127.0.0.1:47443'), { origin: 'https://127.0.0.1:47443' });
    assert.deepEqual(parseRemoteUrl('https://127.0.0.1:47443/'), { origin: 'https://127.0.0.1:47443' });
  });

  it('a path with a malformed %-escape is no repository path (and does not throw)', () => {
    // vscode.git asks every credentials provider about every host: this must not fail for github.com.
    assert.deepEqual(parseRemoteUrl('https://github.com/acme/site%zz.git'), { origin: 'https://github.com' });
    assert.deepEqual(parseRemoteUrl('https://127.0.0.1:47443/acme/%E0.git'), { origin: 'https://127.0.0.1:47443' });
  });

  it('ignores ssh, file and garbage', () => {
    assert.equal(parseRemoteUrl('git@github.com:acme/site.git'), undefined);
    assert.equal(parseRemoteUrl('file:///tmp/x'), undefined);
    assert.equal(parseRemoteUrl('not a url'), undefined);
  });

  it('builds clone URLs and per-origin config keys', () => {
    assert.equal(cloneUrl('https://h:1', 'acme', 'site'), 'https://h:1/acme/site.git');
    assert.equal(httpUrlKey('https://h:1', 'sslCAInfo'), 'http.https://h:1/.sslCAInfo');
    assert.equal(credentialUrlKey('https://h:1', 'useHttpPath'), 'credential.https://h:1.useHttpPath');
  });
});
