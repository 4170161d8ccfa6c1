#!/usr/bin/env node
// The Debian packages the project needs beyond Node, npm, git and python3, installed by the
// project's own scripts when missing: `apt-get` when running as root or with passwordless sudo,
// saying what it installs and why; otherwise it stops at once with the one command to run.
//
//   node scripts/system-packages.mjs [group ...]     ensure the named groups (default: all)
// Also importable: `ensureSystemPackages(['host', 'browser'])`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

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

/** Whether dpkg says `name` is installed; undefined when there is no dpkg (not Debian). */
export function isInstalled(name, run = spawnSync) {
  const r = run('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  if (r.error) return undefined;
  return r.status === 0 && /install ok installed/.test(r.stdout ?? '');
}

/** Whether `sudo -n true` succeeds: sudo is there and asks this user for no password. */
export function passwordlessSudo(run = spawnSync) {
  const r = run('sudo', ['-n', 'true'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/**
 * The decision, as pure logic: what to do about the `missing` packages for the user `uid`.
 * `passwordlessSudo` is asked only when it matters (something is missing and uid is not root):
 *   { action: 'none' }                              nothing is missing
 *   { action: 'install', prefix: [] }               root: apt-get itself
 *   { action: 'install', prefix: ['sudo', '-n'] }   passwordless sudo: sudo -n apt-get
 *   { action: 'stop', command }                     neither: the one command a person runs
 */
export function installPlan(missing, { uid, passwordlessSudo: sudoWorks }) {
  if (missing.length === 0) return { action: 'none' };
  const prefix = prefixFor(uid, sudoWorks);
  return prefix ? { action: 'install', prefix } : { action: 'stop', command: installCommand(missing, uid) };
}

/** [] for root (sudo not asked about), ['sudo', '-n'] when `sudoWorks()`, else null. */
function prefixFor(uid, sudoWorks) {
  if (uid === 0) return [];
  return sudoWorks() ? ['sudo', '-n'] : null;
}

/**
 * How to run apt-get here: [] as root, ['sudo', '-n'] with passwordless sudo, or null when
 * neither works (the caller then stops with the command to run).
 */
export function privilegePrefix(run = spawnSync, uid = currentUid()) {
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

/** Makes sure every package of the named groups is installed. Returns the packages it installed. */
export function ensureSystemPackages(groups = Object.keys(PACKAGE_GROUPS), opts = {}) {
  const wanted = [];
  for (const g of groups) {
    const group = PACKAGE_GROUPS[g];
    if (!group) throw new SystemPackagesError(`unknown package group '${g}' (known: ${Object.keys(PACKAGE_GROUPS).join(', ')})`);
    for (const p of group.packages) if (!wanted.some((w) => w.name === p)) wanted.push({ name: p, why: group.why });
  }
  return ensurePackages(wanted, opts);
}

/** The same for a list of `{ name, why }`. */
export function ensurePackages(wanted, opts = {}) {
  const run = opts.run ?? spawnSync;
  const states = wanted.map((w) => ({ ...w, installed: isInstalled(w.name, run) }));
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
  const plan = installPlan(names, { uid, passwordlessSudo: () => passwordlessSudo(run) });
  if (plan.action === 'stop') {
    throw new SystemPackagesError(`these Debian packages are missing and this user cannot install them (not root, no passwordless sudo). Run:\n\n    ${plan.command}\n`);
  }
  const { prefix } = plan;
  const apt = (args) => {
    const [cmd, argv, env] = aptCommand(prefix, args);
    say(`$ ${[cmd, ...argv].join(' ')}`);
    const r = run(cmd, argv, { stdio: 'inherit', env });
    if (r.error || r.status !== 0) {
      throw new SystemPackagesError(`\`apt-get ${args.join(' ')}\` failed (${r.error?.message ?? `exit ${r.status}`}). Run it yourself:\n\n    ${installCommand(names, uid)}\n`);
    }
  };
  apt(['update', '-q']);
  apt(['install', '-y', '-q', '--no-install-recommends', ...names]);
  const still = names.filter((n) => !isInstalled(n, run));
  if (still.length) throw new SystemPackagesError(`apt-get ran but ${still.join(' ')} is still not installed. Run:\n\n    ${installCommand(still, uid)}\n`);
  say(`installed ${names.join(' ')}`);
  return names;
}

if (import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1] || '.')).href) {
  try {
    const groups = process.argv.slice(2);
    ensureSystemPackages(groups.length ? groups : undefined);
  } catch (e) {
    console.error(`[setup] ERROR: ${e instanceof SystemPackagesError ? e.message : e.stack || e}`);
    process.exit(1);
  }
}
