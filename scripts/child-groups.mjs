// The child processes a run starts that must not outlive it, the one implementation for `npm start`
// (scripts/start.mjs, install-host.mjs, package.mjs) and the test harness (test/harness/process-groups.ts
// re-exports it, typed by child-groups.d.mts): each child is tracked from the moment it is spawned.
//
// A child spawned with `detached: true` (code-server), or any child after ownGroups() (a script that
// stops its children itself on a signal: `npm start`), runs in a process group of its own: stopAll()
// stops it with everything it started (node-gyp, postinstall scripts, the extension host), whatever
// the stage. Otherwise a child stays in the caller's group, as any child (a terminal's Ctrl-C
// reaches it).
//
// Once a group is tracked (or a temporary folder registered), what this process started must not
// outlive it: on 'exit' (Ctrl-C in mocha, an uncaught error) every live group is killed and every
// registered temporary folder removed. 'exit' does not run when a signal ends the process (test-all
// stops a layer with SIGTERM; Chromium's launcher even keeps the process alive on SIGTERM), so
// SIGINT, SIGTERM and SIGHUP stop them too, then exit with 128 + the signal's number; unless the
// caller called ownGroups(): it then handles those signals itself (and calls stopAll()).
import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** pid (= pgid) of each live child in a group of its own → resolves when that child has exited. */
const liveGroups = new Map();
const tempRoots = new Set();
const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
let own = false;
let hooksInstalled = false;

function installHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const g of liveGroups.keys()) {
      try { process.kill(-g, 'SIGKILL'); } catch { /* already gone */ }
    }
    for (const dir of tempRoots) fs.rmSync(dir, { recursive: true, force: true });
  });
  if (own) return;
  for (const [sig, n] of Object.entries(SIGNALS)) {
    process.on(sig, () => {
      void stopAll().finally(() => process.exit(128 + n));
    });
  }
}

/** From now on every child spawnInGroup() starts gets a process group of its own, and this process
 *  handles SIGINT, SIGTERM and SIGHUP itself: it stops the children with stopAll() (a terminal's
 *  Ctrl-C no longer reaches them). Call it before anything is tracked. */
export function ownGroups() {
  own = true;
}

/** spawn(), tracked until the child exits; in a process group of its own (stdin then ignored when
 *  it would be inherited) with `detached: true` or after ownGroups(). */
export function spawnInGroup(cmd, args, options = {}) {
  const detached = own || options.detached === true;
  const stdio = detached && (options.stdio === 'inherit' || options.stdio === undefined) ? ['ignore', 'inherit', 'inherit'] : options.stdio;
  const child = spawn(cmd, args, { ...options, stdio, detached });
  if (detached && child.pid !== undefined) {
    const pid = child.pid;
    installHooks();
    // Its group stays tracked while anything of it runs (what the child started may outlive it).
    liveGroups.set(pid, new Promise((resolve) => child.once('exit', () => {
      if (!groupAlive(pid)) liveGroups.delete(pid);
      resolve();
    })));
  }
  return child;
}

/**
 * A command run to its end, as spawnSync() would, but asynchronously (the caller's signal
 * handlers run meanwhile) and tracked by spawnInGroup() (stopAll() stops it). Resolves to
 * { status, signal, stdout, stderr, error } (strings; `error` when it could not be spawned), after
 * `timeout` ms (if given) with the group killed. Its output is captured, or with `stdio: 'inherit'`
 * shown as it comes (stdout and stderr then '').
 */
export function runInGroup(cmd, args, options = {}) {
  const { timeout, stdio, ...rest } = options;
  return new Promise((resolve) => {
    const child = spawnInGroup(cmd, args, { ...rest, stdio: stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr?.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = timeout === undefined ? undefined : setTimeout(() => {
      if (liveGroups.has(child.pid)) void killProcessGroup(child.pid, 0);
      else child.kill('SIGKILL');
    }, timeout);
    child.once('error', (error) => { clearTimeout(timer); resolve({ status: null, signal: null, stdout, stderr, error }); });
    child.once('close', (status, signal) => { clearTimeout(timer); resolve({ status, signal, stdout, stderr }); });
  });
}

/** Tracks a process group this process made itself (its leader's pid): stopAll() stops it. */
export function trackGroup(pid) {
  installHooks();
  if (!liveGroups.has(pid)) liveGroups.set(pid, undefined);
}

/**
 * A temporary folder (a workbench's profile, a run's scratch folder) that is removed if this
 * process ends — by a signal too — before the caller removed it. Returns the unregister function.
 */
export function registerTempRoot(dir) {
  installHooks();
  tempRoots.add(dir);
  return () => { tempRoots.delete(dir); };
}

let stopping;
/** Stops every tracked group still running (killProcessGroup()) and removes the registered temporary
 *  folders. Used on a signal; concurrent calls share one run. */
export function stopAll() {
  stopping ??= (async () => {
    await Promise.all([...liveGroups.keys()].map((g) => killProcessGroup(g)));
    for (const dir of tempRoots) fs.rmSync(dir, { recursive: true, force: true });
    tempRoots.clear();
  })().finally(() => { stopping = undefined; });
  return stopping;
}

export function groupAlive(pid) {
  try { process.kill(-pid, 0); return true; } catch { return false; }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM to the process group, then SIGKILL after `graceMs` to whatever of it is left; resolves
 *  once the group is gone and, for a child spawnInGroup() started, once that child has exited. */
export async function killProcessGroup(pid, graceMs = 2000) {
  const exited = liveGroups.get(pid);
  try { process.kill(-pid, 'SIGTERM'); } catch { /* gone */ }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && groupAlive(pid)) await sleep(50);
  if (groupAlive(pid)) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    const hard = Date.now() + 2000;
    while (Date.now() < hard && groupAlive(pid)) await sleep(50);
  }
  await exited;
  liveGroups.delete(pid);
}
