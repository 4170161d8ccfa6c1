// Loaded with `node --require` into `npm start` (scripts/start.mjs) under test (never into a test
// run): the process sends itself a real signal (TESSERA_TEST_SIGNAL, else SIGTERM) as soon as its
// first child process has spawned, a moment of start-up a test cannot otherwise hit for certain, and
// writes that child's pid on stderr. With TESSERA_TEST_SIGNAL_AT (a regular expression), the first
// child whose command line (its arguments joined by spaces) matches it instead. Seen through the
// child_process diagnostics channel (which a synchronous spawnSync() does not pass: a step run that
// way is never signalled); nothing else is changed. (Given on the command line, not in NODE_OPTIONS: the children do not load it.)
import type { ChildProcess } from 'node:child_process';
import * as diagnostics from 'node:diagnostics_channel';

const signal = (process.env.TESSERA_TEST_SIGNAL || 'SIGTERM') as NodeJS.Signals;
const at = process.env.TESSERA_TEST_SIGNAL_AT ? new RegExp(process.env.TESSERA_TEST_SIGNAL_AT) : undefined;
let seen = false;
diagnostics.subscribe('child_process', (message) => {
  const child = (message as { process: ChildProcess }).process;
  child.once('spawn', () => {
    if (seen || (at && !at.test(child.spawnargs.join(' ')))) return;
    seen = true;
    process.stderr.write(`signal-at-first-spawn: child ${child.pid}\n`);
    process.kill(process.pid, signal);
  });
});
