// Git in VS Code works with Tessera's origins before any set-up (src/extension/git/git-config-env.ts),
// checked with a real git: what `git config --get-urlmatch` sees in a process with that environment.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { GitConfigEnvironment } from '../../src/extension/git/git-config-env';

const ORIGIN = 'https://127.0.0.1:47443';

function urlmatch(env: NodeJS.ProcessEnv, key: string, url: string): string | undefined {
  try {
    return execFileSync('git', ['config', '--get-urlmatch', key, url], { env: { PATH: process.env.PATH, HOME: '/nonexistent', ...env }, encoding: 'utf8' }).trim();
  } catch {
    return undefined; // exit 1: not set
  }
}

/** The CA file git uses for `url` (GIT_SSL_CAINFO wins over any config, as in git); undefined: git's default trust. */
function caFor(env: NodeJS.ProcessEnv, url: string): string | undefined {
  return env.GIT_SSL_CAINFO || urlmatch(env, 'http.sslCAInfo', url);
}

describe("extension: git config for Tessera's origins through the environment", () => {
  it("without GIT_SSL_CAINFO: the origin gets its CA and repository paths; other hosts keep git's defaults", () => {
    const env: NodeJS.ProcessEnv = {};
    new GitConfigEnvironment(env).setOrigins([{ origin: ORIGIN, ca: '/tessera/ca.pem' }, { origin: 'https://tessera.example' }]);
    assert.equal(env.GIT_CONFIG_COUNT, '3');
    assert.equal(caFor(env, `${ORIGIN}/alice/sample.git`), '/tessera/ca.pem');
    assert.equal(urlmatch(env, 'credential.useHttpPath', `${ORIGIN}/alice/sample.git`), 'true');
    assert.equal(urlmatch(env, 'credential.useHttpPath', 'https://tessera.example/alice/sample.git'), 'true');
    assert.equal(caFor(env, 'https://tessera.example/alice/sample.git'), undefined, 'a provider without its own CA: default trust');
    for (const other of ['https://github.com/alice/sample.git', 'https://127.0.0.1:47444/alice/sample.git']) {
      assert.equal(caFor(env, other), undefined, `${other} keeps its trust`);
      assert.equal(urlmatch(env, 'credential.useHttpPath', other), undefined, `${other} keeps its credential config`);
    }
  });

  it("with GIT_SSL_CAINFO: other hosts are still checked against that file only, the origin against Tessera's CA", () => {
    const env: NodeJS.ProcessEnv = { GIT_SSL_CAINFO: '/etc/ssl/corp.pem' };
    const configEnv = new GitConfigEnvironment(env);
    configEnv.setOrigins([{ origin: ORIGIN, ca: '/tessera/ca.pem' }]);
    assert.equal(env.GIT_SSL_CAINFO, undefined, 'it would override every sslCAInfo');
    assert.equal(caFor(env, `${ORIGIN}/alice/sample.git`), '/tessera/ca.pem');
    assert.equal(caFor(env, 'https://github.com/alice/sample.git'), '/etc/ssl/corp.pem');
    configEnv.setOrigins([{ origin: 'https://tessera.example' }]);
    assert.equal(env.GIT_SSL_CAINFO, '/etc/ssl/corp.pem', 'no Tessera CA: GIT_SSL_CAINFO as VS Code started');
    configEnv.setOrigins([]);
    assert.deepEqual(env, { GIT_SSL_CAINFO: '/etc/ssl/corp.pem' }, 'undone: as VS Code started');
  });

  it('keeps entries VS Code started with and replaces its own', () => {
    const env: NodeJS.ProcessEnv = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.sslVerify', GIT_CONFIG_VALUE_0: 'true' };
    const configEnv = new GitConfigEnvironment(env);
    configEnv.setOrigins([
      { origin: ORIGIN, ca: '/a.pem' },
      { origin: 'https://tessera.example', ca: '/b.pem' },
    ]);
    assert.equal(env.GIT_CONFIG_COUNT, '5');
    assert.equal(env.GIT_CONFIG_KEY_0, 'http.sslVerify');
    assert.equal(caFor(env, 'https://tessera.example/x/y.git'), '/b.pem');
    configEnv.setOrigins([{ origin: ORIGIN, ca: '/c.pem' }]);
    assert.equal(env.GIT_CONFIG_COUNT, '3');
    assert.equal(env.GIT_CONFIG_KEY_3, undefined, 'the dropped entries are gone');
    assert.equal(caFor(env, `${ORIGIN}/x/y.git`), '/c.pem');
    assert.equal(caFor(env, 'https://tessera.example/x/y.git'), undefined);
    configEnv.setOrigins([]);
    assert.deepEqual(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.sslVerify', GIT_CONFIG_VALUE_0: 'true' });
  });
});
