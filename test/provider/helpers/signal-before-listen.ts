// Loaded with `node --require` into a `tessera serve` under test (never into a test run): the
// process sends itself a real SIGTERM just before its server starts listening, a moment a test
// cannot otherwise hit for certain. Nothing else is changed.
import * as net from 'node:net';

const listen = net.Server.prototype.listen;
let sent = false;
net.Server.prototype.listen = function listenAfterSigterm(this: net.Server, ...args: Parameters<typeof listen>) {
  if (!sent) {
    sent = true;
    process.kill(process.pid, 'SIGTERM');
  }
  return listen.apply(this, args);
} as typeof listen;
