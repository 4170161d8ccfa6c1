// scripts/system-packages.mjs's decision, without running apt-get: a missing Debian package is
// installed with apt-get as root, with `sudo -n apt-get` for a user with passwordless sudo, and
// otherwise the script stops at once with the one command to run. The commands a branch would
// run are recorded (dpkg-query and `sudo -n true` answered here); nothing is installed.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Answer {
  status?: number | null;
  stdout?: string;
  error?: Error;
}
type Run = (cmd: string, args: string[], opts?: object) => Answer | Promise<Answer>;
type Plan = { action: 'none' } | { action: 'install'; prefix: string[] } | { action: 'stop'; command: string };
interface SystemPackages {
  PACKAGE_GROUPS: Record<string, { why: string; packages: string[] }>;
  SystemPackagesError: new (m: string) => Error;
  installPlan(missing: string[], how: { uid: number; passwordlessSudo: () => boolean | Promise<boolean> }): Promise<Plan>;
  installCommand(packages: string[], uid?: number): string;
  privilegePrefix(run?: Run, uid?: number): Promise<string[] | null>;
  ensurePackages(wanted: { name: string; why: string }[], opts?: { run?: Run; uid?: number }): Promise<string[]>;
  ensureSystemPackages(groups?: string[], opts?: { run?: Run; uid?: number }): Promise<string[]>;
}

const load = () => import(pathToFileURL(path.resolve(__dirname, '../../../scripts/system-packages.mjs')).href) as Promise<SystemPackages>;

/**
 * A machine: `installed` packages (dpkg-query answers from it), whether `sudo -n true` works
 * ('yes', 'password': it asks for one, 'absent': no sudo), and what apt-get does (an install adds
 * the packages unless `aptFails` names the step that fails, or `aptInstallsNothing`).
 */
function machine(opts: { installed?: string[]; sudo?: 'yes' | 'password' | 'absent'; aptFails?: 'update' | 'install'; aptInstallsNothing?: boolean; noDpkg?: boolean } = {}) {
  const installed = new Set(opts.installed ?? []);
  const calls: string[][] = [];
  const run: Run = (cmd, args) => {
    calls.push([cmd, ...args]);
    if (cmd === 'dpkg-query') {
      if (opts.noDpkg) return { error: Object.assign(new Error('spawnSync dpkg-query ENOENT'), { code: 'ENOENT' }) };
      const name = args[args.length - 1]!;
      return installed.has(name) ? { status: 0, stdout: 'install ok installed' } : { status: 1, stdout: '' };
    }
    if (cmd === 'sudo' && args.join(' ') === '-n true') {
      if (opts.sudo === 'absent' || opts.sudo === undefined) return { error: Object.assign(new Error('spawnSync sudo ENOENT'), { code: 'ENOENT' }) };
      return { status: opts.sudo === 'yes' ? 0 : 1 };
    }
    const apt = args.indexOf('apt-get') >= 0 ? args.slice(args.indexOf('apt-get') + 1) : cmd === 'apt-get' ? args : undefined;
    assert.ok(apt, `only dpkg-query, sudo -n true and apt-get are run: ${[cmd, ...args].join(' ')}`);
    const step = apt.includes('update') ? 'update' : 'install';
    if (opts.aptFails === step) return { status: 100 };
    if (step === 'install' && !opts.aptInstallsNothing) apt.filter((a) => !a.startsWith('-') && a !== 'install' && !a.includes('=')).forEach((p) => installed.add(p));
    return { status: 0 };
  };
  const aptRuns = () => calls.filter((c) => c.includes('apt-get'));
  const sudoProbes = () => calls.filter((c) => c.join(' ') === 'sudo -n true');
  return { run, calls, aptRuns, sudoProbes, installed };
}

/** Runs `fn` with console.log recorded; what it printed and what it resolved to or rejected with. */
async function printed<T>(fn: () => Promise<T>): Promise<{ out: string; value?: T; error?: Error }> {
  const lines: string[] = [];
  const real = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    const value = await fn();
    return { out: lines.join('\n'), value };
  } catch (error) {
    return { out: lines.join('\n'), error: error as Error };
  } finally {
    console.log = real;
  }
}

const count = (text: string, re: RegExp) => text.match(new RegExp(re.source, 'g'))?.length ?? 0;
const wanted = (...names: string[]) => names.map((name) => ({ name, why: 'a unit test' }));
const LOCK = ['-o', 'DPkg::Lock::Timeout=600'];

describe('set-up scripts: what to do about missing Debian packages (system-packages.mjs)', () => {
  let sys: SystemPackages;
  before(async () => (sys = await load()));

  describe('installPlan (the decision, pure)', () => {
    const never = () => assert.fail('sudo is not asked about');

    it('nothing missing: nothing to do, and sudo is not asked about (as root or not)', async () => {
      assert.deepEqual(await sys.installPlan([], { uid: 0, passwordlessSudo: never }), { action: 'none' });
      assert.deepEqual(await sys.installPlan([], { uid: 1000, passwordlessSudo: never }), { action: 'none' });
    });

    it('root: apt-get itself, without asking about sudo (a container may have none)', async () => {
      assert.deepEqual(await sys.installPlan(['chromium'], { uid: 0, passwordlessSudo: never }), { action: 'install', prefix: [] });
    });

    it('not root, passwordless sudo: sudo -n apt-get', async () => {
      assert.deepEqual(await sys.installPlan(['chromium'], { uid: 1000, passwordlessSudo: () => true }), { action: 'install', prefix: ['sudo', '-n'] });
    });

    it('neither: stop with the one command to run, naming every missing package once', async () => {
      assert.deepEqual(await sys.installPlan(['chromium', 'fonts-dejavu-core'], { uid: 1000, passwordlessSudo: () => false }), {
        action: 'stop',
        command: 'sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium fonts-dejavu-core',
      });
    });

    it("the command for a person: with sudo for a user, without it for root (root's container may have no sudo)", () => {
      assert.equal(sys.installCommand(['gh'], 1000), 'sudo apt-get update && sudo apt-get install -y --no-install-recommends gh');
      assert.equal(sys.installCommand(['gh'], 0), 'apt-get update && apt-get install -y --no-install-recommends gh');
    });

    it('privilegePrefix: root without asking; sudo -n when `sudo -n true` succeeds; null when it asks for a password or there is no sudo', async () => {
      for (const [sudo, uid, prefix] of [['absent', 0, []], ['yes', 1000, ['sudo', '-n']], ['password', 1000, null], ['absent', 1000, null]] as const) {
        const m = machine({ sudo });
        assert.deepEqual(await sys.privilegePrefix(m.run, uid), prefix, `${sudo}, uid ${uid}`);
        assert.equal(m.sudoProbes().length, uid === 0 ? 0 : 1);
      }
    });
  });

  describe('ensurePackages (the decision carried out, apt-get recorded, not run)', () => {
    it('everything installed: no sudo question, no apt-get, nothing printed', async () => {
      const m = machine({ installed: ['git', 'ca-certificates'], sudo: 'yes' });
      const r = await printed(() => sys.ensurePackages(wanted('git', 'ca-certificates'), { run: m.run, uid: 1000 }));
      assert.deepEqual(r.value, []);
      assert.equal(r.out, '');
      assert.deepEqual(m.sudoProbes(), []);
      assert.deepEqual(m.aptRuns(), []);
    });

    it('not Debian (no dpkg-query): nothing is checked or installed', async () => {
      const m = machine({ noDpkg: true, sudo: 'yes' });
      const r = await printed(() => sys.ensurePackages(wanted('git'), { run: m.run, uid: 0 }));
      assert.deepEqual(r.value, []);
      assert.deepEqual(m.aptRuns(), []);
    });

    it('root: apt-get update, then install of the missing ones only, saying what and why; sudo never asked about', async () => {
      const m = machine({ installed: ['git'], sudo: 'absent' });
      const r = await printed(() => sys.ensurePackages([{ name: 'git', why: 'for git' }, { name: 'gh', why: 'for gh' }, { name: 'postgresql', why: 'for team mode' }], { run: m.run, uid: 0 }));
      assert.equal(r.error, undefined, r.error?.message);
      assert.deepEqual(r.value, ['gh', 'postgresql']);
      assert.deepEqual(m.sudoProbes(), []);
      assert.deepEqual(m.aptRuns(), [
        ['apt-get', ...LOCK, 'update', '-q'],
        ['apt-get', ...LOCK, 'install', '-y', '-q', '--no-install-recommends', 'gh', 'postgresql'],
      ]);
      assert.match(r.out, /\[setup\] missing: gh \(for gh\)/);
      assert.match(r.out, /\[setup\] missing: postgresql \(for team mode\)/);
      assert.match(r.out, /\[setup\] installed gh postgresql/);
    });

    it('passwordless sudo: the same through sudo -n, DEBIAN_FRONTEND on the command line', async () => {
      const m = machine({ sudo: 'yes' });
      const r = await printed(() => sys.ensurePackages(wanted('gh'), { run: m.run, uid: 1000 }));
      assert.deepEqual(r.value, ['gh']);
      assert.deepEqual(m.aptRuns(), [
        ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...LOCK, 'update', '-q'],
        ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...LOCK, 'install', '-y', '-q', '--no-install-recommends', 'gh'],
      ]);
    });

    for (const sudo of ['password', 'absent'] as const) {
      it(`neither root nor passwordless sudo (sudo ${sudo === 'absent' ? 'not installed' : 'asks for a password'}): stops before any apt-get, printing exactly one command to run`, async () => {
        const m = machine({ installed: ['fonts-dejavu-core'], sudo });
        const r = await printed(() => sys.ensureSystemPackages(['browser', 'postgres'], { run: m.run, uid: 1000 }));
        assert.ok(r.error instanceof sys.SystemPackagesError, String(r.error));
        assert.deepEqual(m.aptRuns(), [], 'apt-get is not tried');
        const all = `${r.out}\n${r.error.message}`;
        assert.equal(count(all, /apt-get install/), 1, `one command in all that is printed:\n${all}`);
        assert.equal(count(all, /apt-get update/), 1);
        assert.ok(r.error.message.includes('\n    sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium postgresql\n'), r.error.message);
        assert.match(r.error.message, /cannot install them \(not root, no passwordless sudo\)/);
      });
    }

    it('a package two groups need is installed (and named) once', async () => {
      const m = machine({ sudo: 'password' });
      const r = await printed(() => sys.ensureSystemPackages(['git', 'gh'], { run: m.run, uid: 1000 }));
      assert.ok(r.error);
      assert.equal(count(r.error.message, /ca-certificates/), 1, r.error.message);
      assert.ok(r.error.message.includes('--no-install-recommends git ca-certificates gh\n'), r.error.message);
    });

    it('an unknown group is refused before anything is checked', async () => {
      const m = machine({ sudo: 'yes' });
      await assert.rejects(() => sys.ensureSystemPackages(['browser', 'nope'], { run: m.run, uid: 0 }), /unknown package group 'nope' \(known: host, browser, git, postgres, gh\)/);
      assert.deepEqual(m.calls, []);
    });

    for (const [uid, step] of [[0, 'update'], [0, 'install'], [1000, 'update'], [1000, 'install']] as const) {
      it(`apt-get ${step} fails (${uid === 0 ? 'root' : 'passwordless sudo'}): stops, with the one command to run yourself (sudo only for a user)`, async () => {
        const m = machine({ sudo: uid === 0 ? 'absent' : 'yes', aptFails: step });
        const r = await printed(() => sys.ensurePackages(wanted('gh'), { run: m.run, uid }));
        assert.ok(r.error instanceof sys.SystemPackagesError, String(r.error));
        assert.match(r.error.message, new RegExp(`\`apt-get ${step === 'update' ? 'update -q' : 'install -y -q --no-install-recommends gh'}\` failed \\(exit 100\\)`));
        assert.equal(m.aptRuns().length, step === 'update' ? 1 : 2, 'nothing after the failed step');
        const command = uid === 0 ? 'apt-get update && apt-get install -y --no-install-recommends gh' : 'sudo apt-get update && sudo apt-get install -y --no-install-recommends gh';
        assert.ok(r.error.message.endsWith(`\n    ${command}\n`), r.error.message);
        assert.equal(count(r.error.message, /apt-get install/), 1 + (step === 'install' ? 1 : 0), 'the failed step, and one command to run');
      });
    }

    it('apt-get succeeds but a package is still missing: the command names what is still missing (root: without sudo)', async () => {
      const m = machine({ installed: [], sudo: 'absent', aptInstallsNothing: true });
      const r = await printed(() => sys.ensurePackages(wanted('gh', 'postgresql'), { run: m.run, uid: 0 }));
      assert.ok(r.error instanceof sys.SystemPackagesError, String(r.error));
      assert.ok(r.error.message.includes('apt-get ran but gh postgresql is still not installed'), r.error.message);
      assert.ok(r.error.message.endsWith('\n    apt-get update && apt-get install -y --no-install-recommends gh postgresql\n'), r.error.message);
    });
  });
});
