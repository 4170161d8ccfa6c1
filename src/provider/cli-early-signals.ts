// Imported first by the CLI (src/provider/cli.ts), before the modules that take a while to load
// (fastify, pg, node:sqlite): from then on SIGINT and SIGTERM are caught, and heard by the command
// once it listens for them, instead of ending the process with the default action (exit 130 or
// 143) while its modules still load. Only when this process is the CLI: a program (or a test)
// that imports the CLI's functions keeps its own signal handling.
import * as path from 'node:path';

const catching = (): void => undefined;
const isTheCli = require.main?.filename === path.join(__dirname, 'cli.js');
if (isTheCli) {
  process.on('SIGINT', catching);
  process.on('SIGTERM', catching);
}

/**
 * Stops catching, once the command has its own listeners on (so that no signal falls between the
 * two: one already received but not yet dispatched goes to the command's listeners).
 */
export function handOverEarlySignals(): void {
  process.off('SIGINT', catching);
  process.off('SIGTERM', catching);
}
