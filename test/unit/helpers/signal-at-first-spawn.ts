// Loaded with `node --require` into `npm start` (scripts/start.mjs) under test (never into a test
// run): the process sends itself a real signal (TESSERA_TEST_SIGNAL, else SIGTERM) as soon as its
// first child process has spawned, a moment of start-up a test cannot otherwise hit for certain, and
// writes that child's pid on stderr. Seen through the child_process diagnostics channel; nothing
// else is changed. (Given on the command line, not in NODE_OPTIONS: the children do not load it.)
import type { ChildProcess } from 'node:child_process';
import * as diagnostics from 'node:diagnostics_channel';

const signal = (process.env.TESSERA_TEST_SIGNAL || 'SIGTERM') as NodeJS.Signals;
let seen = false;
diagnostics.subscribe('child_process', (message) => {
  if (seen) return;
  seen = true;
  const child = (message as { process: ChildProcess }).process;
  child.once('spawn', () => {
    process.stderr.write(`signal-at-first-spawn: child ${child.pid}\n`);
    process.kill(process.pid, signal);
  });
});
