// The process groups and temporary folders a test run (or `npm start`) made, which must not outlive
// it: scripts/child-groups.mjs, the one implementation, shared with `npm start`'s scripts. Loaded
// from the repository's scripts/ folder at run time (this file runs as out/test/harness/*.js, or
// bundled by scripts/start.mjs): one module instance, whichever loads it first.
import * as path from 'node:path';
import type * as ChildGroups from '../../scripts/child-groups.mjs';
import { REPO_ROOT } from './repo-root';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const groups = require(path.join(REPO_ROOT, 'scripts', 'child-groups.mjs')) as typeof ChildGroups;

export const {
  spawnInGroup, runInGroup, trackGroup, registerTempRoot, stopAll, groupAlive, killProcessGroup,
} = groups;
export type { RunResult } from '../../scripts/child-groups.mjs';
