// The process groups and temporary folders a test run (or `npm start`) made, which must not outlive
// it: code-server runs detached (a process group of its own, which a signal to the run does not
// reach) and writes into a temporary profile.
import * as fs from 'node:fs';

const liveGroups = new Set<number>();
const tempRoots = new Set<string>();
const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
let hooksInstalled = false;

/**
 * What this process started must not outlive it: on 'exit' (Ctrl-C in mocha, an uncaught error)
 * every live code-server group is killed and every registered temp root removed. 'exit' does not
 * run when a signal ends the process (test-all stops a layer with SIGTERM; Chromium's launcher
 * even keeps the process alive on SIGTERM), so SIGINT, SIGTERM and SIGHUP stop them too, then exit
 * with 128 + the signal's number.
 */
function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const g of liveGroups) {
      try { process.kill(-g, 'SIGKILL'); } catch { /* already gone */ }
    }
    for (const dir of tempRoots) fs.rmSync(dir, { recursive: true, force: true });
  });
  for (const [sig, n] of Object.entries(SIGNALS)) {
    process.on(sig, () => {
      void stopAll().finally(() => process.exit(128 + n));
    });
  }
}

export function trackGroup(pid: number): void {
  installHooks();
  liveGroups.add(pid);
}

/**
 * A temporary folder (a workbench's profile, a run's scratch folder) that is removed if this
 * process ends — by a signal too — before the caller removed it. Returns the unregister function.
 */
export function registerTempRoot(dir: string): () => void {
  installHooks();
  tempRoots.add(dir);
  return () => { tempRoots.delete(dir); };
}

let stopping: Promise<void> | undefined;
/** Stops every code-server group still running (as stop() does) and removes the registered temp
 *  roots. Used on a signal; concurrent calls share one run. */
export function stopAll(): Promise<void> {
  stopping ??= (async () => {
    await Promise.all([...liveGroups].map((g) => killProcessGroup(g)));
    for (const dir of tempRoots) fs.rmSync(dir, { recursive: true, force: true });
    tempRoots.clear();
  })().finally(() => { stopping = undefined; });
  return stopping;
}

export function groupAlive(pid: number): boolean {
  try { process.kill(-pid, 0); return true; } catch { return false; }
}

/** SIGTERM to the process group, then SIGKILL after `graceMs` if anything is left. */
export async function killProcessGroup(pid: number, graceMs = 2000): Promise<void> {
  try { process.kill(-pid, 'SIGTERM'); } catch { liveGroups.delete(pid); return; }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && groupAlive(pid)) await new Promise((r) => setTimeout(r, 100));
  if (groupAlive(pid)) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    const hard = Date.now() + 2000;
    while (Date.now() < hard && groupAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  }
  liveGroups.delete(pid);
}
