// Types of child-groups.mjs, for the TypeScript harness (test/harness/process-groups.ts).
import type { ChildProcess, SpawnOptions } from 'node:child_process';

export function ownGroups(): void;
export function spawnInGroup(cmd: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set when the command could not be spawned. */
  error?: Error;
}
export function runInGroup(cmd: string, args: readonly string[], options?: Omit<SpawnOptions, 'stdio'> & { timeout?: number; stdio?: 'inherit' }): Promise<RunResult>;
export function trackGroup(pid: number): void;
export function registerTempRoot(dir: string): () => void;
export function stopAll(): Promise<void>;
export function groupAlive(pid: number): boolean;
export function killProcessGroup(pid: number, graceMs?: number): Promise<void>;
