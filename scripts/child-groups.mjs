// The long child processes of a start-up (npm install of code-server, esbuild, vsce), tracked from the
// moment they are spawned. A script that stops them itself on a signal (`npm start`) calls
// ownGroups() first: each then runs in a process group of its own, and stopGroups() stops it with
// everything it started (node-gyp, postinstall scripts), whatever the stage. Otherwise they stay in
// the caller's group, as any child (a terminal's Ctrl-C reaches them).
import { spawn } from 'node:child_process';

/** pid → resolves when that child has exited. */
const live = new Map();
let own = false;

/** From now on spawnInGroup() gives each child a process group of its own: the caller stops them
 *  with stopGroups() (a terminal's Ctrl-C no longer reaches them). */
export function ownGroups() {
  own = true;
}

/** spawn(), tracked until the child exits; in a process group of its own (stdin ignored) after ownGroups(). */
export function spawnInGroup(cmd, args, options = {}) {
  const stdio = own && (options.stdio === 'inherit' || options.stdio === undefined) ? ['ignore', 'inherit', 'inherit'] : options.stdio;
  const child = spawn(cmd, args, { ...options, stdio, detached: own });
  if (child.pid !== undefined) {
    const pid = child.pid;
    live.set(pid, new Promise((resolve) => child.once('exit', () => { live.delete(pid); resolve(); })));
  }
  return child;
}

function groupAlive(pgid) {
  try { process.kill(-pgid, 0); return true; } catch { return false; }
}

/** Stops every tracked group (after ownGroups()): SIGTERM to the group, then, once its child has
 *  exited (or after `graceMs`), SIGKILL to whatever of the group is left. */
export async function stopGroups(graceMs = 2000) {
  if (!own) return;
  await Promise.all([...live].map(async ([pgid, exited]) => {
    try { process.kill(-pgid, 'SIGTERM'); } catch { /* gone */ }
    let timer;
    await Promise.race([exited, new Promise((r) => { timer = setTimeout(r, graceMs); })]);
    clearTimeout(timer);
    if (groupAlive(pgid)) {
      try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ }
    }
    await exited;
  }));
}
