// The set-up scripts' branch that installs a missing Debian package, run for real: a small package
// that no part of the project needs (GNU hello) is installed through scripts/system-packages.mjs
// exactly as a missing libkrb5-dev or chromium would be, then removed again. Whether this user can
// install is decided by the script's own check (privilegePrefix: root, or passwordless sudo); a user
// who cannot is stopped at once with the one command to run, before any apt-get. And the command
// line apt-get runs with through sudo (sudo's env_reset would drop DEBIAN_FRONTEND; the dpkg lock
// is waited for).
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'system-packages.mjs');
const PROBE = 'hello';

type Run = (cmd: string, args: string[], opts?: object) => Partial<SpawnSyncReturns<string>>;
interface SystemPackages {
  privilegePrefix(run?: Run, uid?: number): Promise<string[] | null>;
  aptCommand(prefix: string[], args: string[]): [string, string[], NodeJS.ProcessEnv];
  ensurePackages(wanted: { name: string; why: string }[], opts?: { run?: Run; uid?: number }): Promise<string[]>;
}

function dpkgInstalled(name: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** ensurePackages in a child process, as this user or (`wrap`) through runuser/sudo. */
function ensure(names: string[], wrap: string[] = []) {
  const code = `import(${JSON.stringify(pathToFileURL(SCRIPT).href)}).then((m) => m.ensurePackages(${JSON.stringify(names.map((name) => ({ name, why: 'the set-up test' })))}))` +
    `.catch((e) => { console.error(e.message); process.exit(3); })`;
  const argv = [...wrap, process.execPath, '-e', code];
  return spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', cwd: '/', timeout: 300_000 });
}

describe('set-up scripts: missing Debian packages', function () {
  this.timeout(320_000);
  let sys: SystemPackages;
  let prefix: string[] | null;
  const remove = () => {
    if (!prefix || !dpkgInstalled(PROBE)) return;
    const [cmd, args, env] = sys.aptCommand(prefix, ['remove', '-y', '-q', PROBE]);
    spawnSync(cmd, args, { stdio: 'ignore', env });
  };

  before(async function () {
    sys = (await import(pathToFileURL(SCRIPT).href)) as SystemPackages;
    prefix = await sys.privilegePrefix();
    remove();
    assert.equal(dpkgInstalled(PROBE), false, 'the probe package must start missing');
  });
  after(() => remove());

  it('installs a missing package with apt-get when this user can (root or passwordless sudo), saying what it installs', function () {
    const r = ensure([PROBE]);
    if (!prefix) {
      // This user can install nothing: it is stopped with the command, and apt-get never runs.
      assert.equal(r.status, 3, r.stdout + r.stderr);
      assert.match(r.stderr, /sudo apt-get update && sudo apt-get install -y --no-install-recommends hello/);
      assert.doesNotMatch(r.stdout, /\[setup\] \$ /, 'no apt-get is tried without the rights to run it');
      assert.equal(dpkgInstalled(PROBE), false);
      return;
    }
    assert.equal(r.status, 0, `ensurePackages failed: ${r.stderr}`);
    const [cmd, args] = sys.aptCommand(prefix, ['install', '-y', '-q', '--no-install-recommends', PROBE]);
    assert.match(r.stdout, /\[setup\] missing: hello \(the set-up test\)/);
    assert.ok(r.stdout.includes(`[setup] $ ${[cmd, ...args].join(' ')}\n`), r.stdout);
    assert.match(r.stdout, /\[setup\] installed hello/);
    assert.equal(dpkgInstalled(PROBE), true);
    const again = ensure([PROBE]);
    assert.equal(again.status, 0);
    assert.doesNotMatch(again.stdout, /apt-get/, 'a present package is not installed again');
    remove();
    assert.equal(dpkgInstalled(PROBE), false);
  });

  it('stops a user who is neither root nor a passwordless sudoer with the one command to run', function () {
    assert.equal(dpkgInstalled(PROBE), false, 'the probe package must be missing for this test');
    // Such a user for real: `nobody` (through sudo when this user is a sudoer), or this user itself.
    const asNobody = ['runuser', '-u', 'nobody', '--'];
    const wrap = prefix ? [...prefix, ...asNobody] : [];
    const r = ensure([PROBE], wrap);
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /cannot install them \(not root, no passwordless sudo\)/);
    assert.match(r.stderr, /sudo apt-get update && sudo apt-get install -y --no-install-recommends hello/);
    assert.doesNotMatch(r.stdout, /\[setup\] \$ /);
  });

  it('through sudo, passes DEBIAN_FRONTEND on the command line and waits for the dpkg lock', async function () {
    // A non-root user with passwordless sudo, with the commands recorded instead of run.
    const calls: string[][] = [];
    let installed = false;
    const run: Run = (cmd, args) => {
      calls.push([cmd, ...args]);
      if (cmd === 'dpkg-query') return { status: installed ? 0 : 1, stdout: installed ? 'install ok installed' : '' };
      if (cmd === 'sudo' && args.includes('install')) installed = true;
      return { status: 0, stdout: '' };
    };
    assert.deepEqual(await sys.privilegePrefix(run, 1000), ['sudo', '-n']);
    assert.deepEqual(await sys.ensurePackages([{ name: PROBE, why: 'the set-up test' }], { run, uid: 1000 }), [PROBE]);
    const apt = calls.filter((c) => c[0] === 'sudo' && c.includes('apt-get'));
    const lock = ['-o', 'DPkg::Lock::Timeout=600'];
    assert.deepEqual(apt, [
      ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...lock, 'update', '-q'],
      ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...lock, 'install', '-y', '-q', '--no-install-recommends', PROBE],
    ]);
    // As root: apt-get itself, DEBIAN_FRONTEND in its environment.
    const [cmd, args, env] = sys.aptCommand([], ['install', '-y', PROBE]);
    assert.deepEqual([cmd, ...args], ['apt-get', ...lock, 'install', '-y', PROBE]);
    assert.equal(env.DEBIAN_FRONTEND, 'noninteractive');
  });
});
