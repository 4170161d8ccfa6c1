// Loaded with `node --require` into a `tessera serve` under test (never into a test run): the
// process sends itself a real SIGTERM while its modules still load (as the first module requires
// fastify), a moment a test cannot otherwise hit for certain. Nothing else is changed.
import Module from 'node:module';

const original = Module.prototype.require;
let sent = false;
Module.prototype.require = function requireAfterSigterm(this: NodeJS.Module, id: string) {
  if (!sent && id === 'fastify') {
    sent = true;
    process.kill(process.pid, 'SIGTERM');
  }
  return original.call(this, id);
} as typeof original;
