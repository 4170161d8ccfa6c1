// Resolves once git http-backend has started on a request (Node reports every child process on
// the `child_process` diagnostics channel; the provider must run in this process).
import type { ChildProcess } from 'node:child_process';
import * as diagnosticsChannel from 'node:diagnostics_channel';

/** Resolves, with it, once the next `git http-backend` child process has spawned (subscribe before the request). */
export function backendStarted(): Promise<ChildProcess> {
  return new Promise<ChildProcess>((resolve) => {
    const onChild = (message: unknown) => {
      const child = (message as { process: ChildProcess }).process;
      child.once('spawn', () => {
        if (!child.spawnargs.includes('http-backend')) return;
        diagnosticsChannel.unsubscribe('child_process', onChild);
        setImmediate(() => resolve(child));
      });
    };
    diagnosticsChannel.subscribe('child_process', onChild);
  });
}
