// Tessera's git credential helper (src/extension/git/credential-helper/), with a real git: for a
// Tessera origin, `git credential fill` gets the username and password at once from the extension
// host's side, for the repository path git asks about; other hosts keep their own helpers, and a
// process without this window's nonce gets nothing.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { CredentialHelperServer } from '../../src/extension/git/credential-helper/helper-server';
import { HANDLE_ENV, NONCE_HEADER } from '../../src/extension/git/credential-helper/protocol';
import { GitConfigEnvironment } from '../../src/extension/git/git-config-env';

const ORIGIN = 'https://127.0.0.1:47443';
const HELPER = path.resolve(__dirname, '..', '..', '..', 'dist', 'git-credential-helper.js');

function fill(env: NodeJS.ProcessEnv, url: URL): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', ['credential', 'fill'], { env: { PATH: process.env.PATH, HOME: '/nonexistent', GIT_TERMINAL_PROMPT: '0', ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(stderr || err.message));
      resolve(Object.fromEntries(stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])));
    });
    child.stdin!.end(`protocol=${url.protocol.slice(0, -1)}\nhost=${url.host}\npath=${url.pathname.slice(1)}\n\n`);
  });
}

describe("extension: Tessera's git credential helper", () => {
  const asked: string[] = [];
  const server = new CredentialHelperServer(HELPER, async (url) => {
    asked.push(url);
    return { username: 'x-access-token', password: `token-for-${new URL(url).pathname.split('/')[2]}` };
  }, () => undefined);
  const env: NodeJS.ProcessEnv = {};
  const configEnv = new GitConfigEnvironment(env);

  before(async () => {
    configEnv.setOrigins([{ origin: ORIGIN }]);
    configEnv.setHelper(await server.start());
  });
  after(() => {
    configEnv.setHelper(undefined);
    server.dispose();
  });

  it('answers each repository with its own token, concurrently, with both halves at once', async () => {
    const names = ['one', 'two', 'three', 'four'];
    const got = await Promise.all(names.map((n) => fill(env, new URL(`${ORIGIN}/alice/${n}.git`))));
    assert.deepEqual(got.map((g) => g.password), names.map((n) => `token-for-${n}.git`));
    assert.ok(got.every((g) => g.username === 'x-access-token'));
    assert.deepEqual([...asked].sort(), names.map((n) => `${ORIGIN}/alice/${n}.git`).sort(), 'asked with the repository path');
  });

  it('other hosts keep their own helpers; the origin uses Tessera’s only', async () => {
    const withStore = { ...env, GIT_CONFIG_COUNT: String(Number(env.GIT_CONFIG_COUNT) + 1), [`GIT_CONFIG_KEY_${env.GIT_CONFIG_COUNT}`]: 'credential.helper', [`GIT_CONFIG_VALUE_${env.GIT_CONFIG_COUNT}`]: '!f() { echo username=global; echo password=global-secret; }; f' };
    assert.equal((await fill(withStore, new URL('https://github.com/alice/one.git'))).password, 'global-secret');
    // A helper set before Tessera's entries (as in the user's global config) does not answer for the origin.
    const before: NodeJS.ProcessEnv = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'credential.helper', GIT_CONFIG_VALUE_0: '!f() { echo username=global; echo password=global-secret; }; f' };
    const scoped = new GitConfigEnvironment(before);
    const second = new CredentialHelperServer(HELPER, async () => ({ username: 'x-access-token', password: 'tessera-token' }), () => undefined);
    scoped.setOrigins([{ origin: ORIGIN }]);
    scoped.setHelper(await second.start());
    try {
      assert.equal((await fill(before, new URL(`${ORIGIN}/alice/one.git`))).password, 'tessera-token');
    } finally {
      scoped.setHelper(undefined);
      second.dispose();
    }
  });

  it('a request without this window’s nonce gets 403 and no token', async () => {
    const status = await new Promise<number | undefined>((resolve) => {
      const req = http.request({ socketPath: env[HANDLE_ENV]!, path: '/get', method: 'POST', headers: { [NONCE_HEADER]: 'not-the-nonce' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', () => resolve(undefined));
      req.end(JSON.stringify({ protocol: 'https', host: '127.0.0.1:47443', path: 'alice/one.git' }));
    });
    assert.equal(status, 403);
  });
});
