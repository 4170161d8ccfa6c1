// The set-up scripts' branch that installs a missing Debian package, run for real: a small package
// that no part of the project needs (GNU hello) is installed through scripts/system-packages.mjs
// exactly as a missing libkrb5-dev or chromium would be, then removed again. And a user who can
// neither be root nor use sudo is stopped at once with the one command to run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'system-packages.mjs');
const PROBE = 'hello';

function dpkgInstalled(name: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function ensure(names: string[], asUser?: string) {
  const code = `import(${JSON.stringify(SCRIPT)}).then((m) => { m.ensurePackages(${JSON.stringify(names.map((name) => ({ name, why: 'the set-up test' })))}); })` +
    `.catch((e) => { console.error(e.message); process.exit(3); })`;
  const cmd = asUser ? ['runuser', ['-u', asUser, '--', process.execPath, '-e', code]] as const : [process.execPath, ['-e', code]] as const;
  return spawnSync(cmd[0], [...cmd[1]], { encoding: 'utf8', cwd: '/', timeout: 300_000 });
}

describe('set-up scripts: missing Debian packages', function () {
  this.timeout(320_000);
  const isRoot = process.getuid?.() === 0;

  it('installs a missing package with apt-get when it runs as root, saying what it installs', function () {
    if (!isRoot) {
      // Without root the next test covers the refusal; this branch is CI's (which runs as root).
      const r = ensure([PROBE]);
      assert.equal(r.status, 3);
      assert.match(r.stderr, /apt-get install -y --no-install-recommends hello/);
      return;
    }
    if (dpkgInstalled(PROBE)) spawnSync('apt-get', ['remove', '-y', '-q', PROBE], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    assert.equal(dpkgInstalled(PROBE), false, 'the probe package must start missing');
    try {
      const r = ensure([PROBE]);
      assert.equal(r.status, 0, `ensurePackages failed: ${r.stderr}`);
      assert.match(r.stdout, /\[setup\] missing: hello \(the set-up test\)/);
      assert.match(r.stdout, /\[setup\] \$ apt-get install -y -q --no-install-recommends hello/);
      assert.match(r.stdout, /\[setup\] installed hello/);
      assert.equal(dpkgInstalled(PROBE), true);
      const again = ensure([PROBE]);
      assert.equal(again.status, 0);
      assert.doesNotMatch(again.stdout, /apt-get/, 'a present package is not installed again');
    } finally {
      spawnSync('apt-get', ['remove', '-y', '-q', PROBE], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    }
  });

  it('stops a user who is neither root nor a passwordless sudoer with the one command to run', function () {
    if (dpkgInstalled(PROBE)) assert.fail('the probe package must be missing for this test');
    const r = isRoot ? ensure([PROBE], 'nobody') : ensure([PROBE]);
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /cannot install them \(not root, no passwordless sudo\)/);
    assert.match(r.stderr, /sudo apt-get update && sudo apt-get install -y --no-install-recommends hello/);
  });
});
