// Where a clone may go, as git itself decides: a path that does not exist yet, or an existing empty
// folder. Whatever a clone that was stopped or failed left there is removed: the folder it made,
// or the contents it put into the empty folder that was there before.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type CloneDestination =
  | { readonly ok: true; readonly dest: string; /** an empty folder was there before the clone */ readonly existed: boolean }
  | { readonly ok: false; readonly problem: string };

export function cloneDestination(parent: string, name: string): CloneDestination {
  const dest = path.join(parent, name);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dest);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, dest, existed: false };
    return { ok: false, problem: `${dest} cannot be used: ${(err as Error).message}` };
  }
  if (!stat.isDirectory()) return { ok: false, problem: `${dest} already exists and is a file: choose another folder to clone ${name} into.` };
  if (fs.readdirSync(dest).length) return { ok: false, problem: `${dest} already exists and is not empty: choose another folder to clone ${name} into.` };
  return { ok: true, dest, existed: true };
}

/** Removes what a clone that did not finish left at `dest` (an empty folder that was there stays). */
export function removePartialClone(d: { readonly dest: string; readonly existed: boolean }): void {
  if (!d.existed) {
    fs.rmSync(d.dest, { recursive: true, force: true });
    return;
  }
  for (const entry of fs.existsSync(d.dest) ? fs.readdirSync(d.dest) : []) fs.rmSync(path.join(d.dest, entry), { recursive: true, force: true });
}
