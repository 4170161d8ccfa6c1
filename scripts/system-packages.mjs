#!/usr/bin/env node
// The Debian packages the project needs beyond Node, npm, git and python3, installed by the
// project's own scripts when missing: `apt-get` when running as root or with passwordless sudo,
// saying what it installs and why; otherwise it stops at once with the one command to run.
//
//   node scripts/system-packages.mjs [group ...]     ensure the named groups (default: all)
// Also importable: `await ensureSystemPackages(['host', 'browser'])`.
//
// dpkg-query, `sudo -n` and apt-get run asynchronously, tracked by child-groups.mjs (runInGroup):
// a caller that stops its children on a signal (`npm start`, whose first start installs the host's
// packages) stops them too, at once, instead of handling the signal only once apt-get has finished.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { runInGroup } from './child-groups.mjs';

/** What each part of the project needs, and why (shown when installing). */
export const PACKAGE_GROUPS = {
  host: {
    why: 'to compile the native modules of the VS Code host (code-server) on first install',
    packages: ['libkrb5-dev', 'build-essential', 'python3'],
  },
  browser: {
    why: 'the extension-host and UI tests drive Debian\'s Chromium',
    packages: ['chromium', 'fonts-dejavu-core'],
  },
  git: {
    why: 'the provider serves git through the real git http-backend',
    packages: ['git', 'ca-certificates'],
  },
  postgres: {
    why: 'the team-mode tests run a real PostgreSQL',
    packages: ['postgresql'],
  },
  gh: {
    why: "the provider tests drive Debian's gh (GitHub CLI) against the provider",
    packages: ['gh', 'ca-certificates'],
  },
};

const say = (m) => console.log(`[setup] ${m}`);

export class SystemPackagesError extends Error {}

/**
 * How the commands run: `run(cmd, args, { env?, stdio? })` resolves (or returns) what the command
 * did, `{ status, stdout, error }` (stdout captured, unless `stdio: 'inherit'` shows it). The tests
 * give their own; by default runInGroup().
 */
const runCommand = (cmd, args, options) => runInGroup(cmd, args, options);

/** Whether dpkg says `name` is installed; undefined when there is no dpkg (not Debian). */
export async function isInstalled(name, run = runCommand) {
  const r = await run('dpkg-query', ['-W', '-f=${Status}', name], {});
  if (r.error) return undefined;
  return r.status === 0 && /install ok installed/.test(r.stdout ?? '');
}

/** Whether `sudo -n true` succeeds: sudo is there and asks this user for no password (its output unused). */
export async function passwordlessSudo(run = runCommand) {
  const r = await run('sudo', ['-n', 'true'], {});
  return !r.error && r.status === 0;
}

/**
 * The decision: what to do about the `missing` packages for the user `uid`. `passwordlessSudo`
 * (which may answer a promise) is asked only when it matters (something is missing and uid is not root):
 *   { action: 'none' }                              nothing is missing
 *   { action: 'install', prefix: [] }               root: apt-get itself
 *   { action: 'install', prefix: ['sudo', '-n'] }   passwordless sudo: sudo -n apt-get
 *   { action: 'stop', command }                     neither: the one command a person runs
 */
export async function installPlan(missing, { uid, passwordlessSudo: sudoWorks }) {
  if (missing.length === 0) return { action: 'none' };
  const prefix = await prefixFor(uid, sudoWorks);
  return prefix ? { action: 'install', prefix } : { action: 'stop', command: installCommand(missing, uid) };
}

/** [] for root (sudo not asked about), ['sudo', '-n'] when `sudoWorks()`, else null. */
async function prefixFor(uid, sudoWorks) {
  if (uid === 0) return [];
  return (await sudoWorks()) ? ['sudo', '-n'] : null;
}

/**
 * How to run apt-get here: [] as root, ['sudo', '-n'] with passwordless sudo, or null when
 * neither works (the caller then stops with the command to run).
 */
export function privilegePrefix(run = runCommand, uid = currentUid()) {
  return prefixFor(uid, () => passwordlessSudo(run));
}

function currentUid() {
  return process.getuid?.() ?? 0;
}

/**
 * The one command a person runs to install `packages`: through sudo, except for root (whose
 * container often has no sudo at all).
 */
export function installCommand(packages, uid = currentUid()) {
  const sudo = uid === 0 ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/** How long apt-get waits for another apt-get or dpkg (another test pass, unattended-upgrades)
 *  to release the dpkg lock, instead of failing at once with "Could not get lock". */
export const LOCK_TIMEOUT_SECONDS = 600;

/**
 * The command, arguments and environment that run `apt-get <args>` with `prefix` (privilegePrefix()):
 * non-interactive, waiting for the dpkg lock. Through sudo the variable is passed by `env` on the
 * command line, since sudo's env_reset drops DEBIAN_FRONTEND from the environment.
 */
export function aptCommand(prefix, args) {
  const apt = ['apt-get', '-o', `DPkg::Lock::Timeout=${LOCK_TIMEOUT_SECONDS}`, ...args];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (prefix.length === 0) return [apt[0], apt.slice(1), env];
  return [prefix[0], [...prefix.slice(1), 'env', 'DEBIAN_FRONTEND=noninteractive', ...apt], env];
}

/** Makes sure every package of the named groups is installed. Resolves to the packages it installed. */
export async function ensureSystemPackages(groups = Object.keys(PACKAGE_GROUPS), opts = {}) {
  const wanted = [];
  for (const g of groups) {
    const group = PACKAGE_GROUPS[g];
    if (!group) throw new SystemPackagesError(`unknown package group '${g}' (known: ${Object.keys(PACKAGE_GROUPS).join(', ')})`);
    for (const p of group.packages) if (!wanted.some((w) => w.name === p)) wanted.push({ name: p, why: group.why });
  }
  return ensurePackages(wanted, opts);
}

/** The same for a list of `{ name, why }`. */
export async function ensurePackages(wanted, opts = {}) {
  const run = opts.run ?? runCommand;
  const states = [];
  for (const w of wanted) states.push({ ...w, installed: await isInstalled(w.name, run) });
  if (states.some((s) => s.installed === undefined)) {
    // Not a Debian system: nothing to check with; the steps that need a package say so themselves.
    return [];
  }
  const missing = states.filter((s) => !s.installed);
  if (missing.length === 0) return [];
  const names = missing.map((m) => m.name);
  for (const why of new Set(missing.map((m) => m.why))) {
    say(`missing: ${missing.filter((m) => m.why === why).map((m) => m.name).join(' ')} (${why})`);
  }
  const uid = opts.uid ?? currentUid();
  const plan = await installPlan(names, { uid, passwordlessSudo: () => passwordlessSudo(run) });
  if (plan.action === 'stop') {
    throw new SystemPackagesError(`these Debian packages are missing and this user cannot install them (not root, no passwordless sudo). Run:\n\n    ${plan.command}\n`);
  }
  const { prefix } = plan;
  const apt = async (args) => {
    const [cmd, argv, env] = aptCommand(prefix, args);
    say(`$ ${[cmd, ...argv].join(' ')}`);
    const r = await run(cmd, argv, { stdio: 'inherit', env });
    if (r.error || r.status !== 0) {
      throw new SystemPackagesError(`\`apt-get ${args.join(' ')}\` failed (${r.error?.message ?? (r.signal ? `stopped by ${r.signal}` : `exit ${r.status}`)}). Run it yourself:\n\n    ${installCommand(names, uid)}\n`);
    }
  };
  await apt(['update', '-q']);
  await apt(['install', '-y', '-q', '--no-install-recommends', ...names]);
  const still = [];
  for (const n of names) if (!(await isInstalled(n, run))) still.push(n);
  if (still.length) throw new SystemPackagesError(`apt-get ran but ${still.join(' ')} is still not installed. Run:\n\n    ${installCommand(still, uid)}\n`);
  say(`installed ${names.join(' ')}`);
  return names;
}

if (import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1] || '.')).href) {
  try {
    const groups = process.argv.slice(2);
    await ensureSystemPackages(groups.length ? groups : undefined);
  } catch (e) {
    console.error(`[setup] ERROR: ${e instanceof SystemPackagesError ? e.message : e.stack || e}`);
    process.exit(1);
  }
}
