// Generates a repository quickly with `git fast-import`: `commits` commits on one branch, each
// adding a file of incompressible random bytes (node:crypto) and rewriting a small text file, so
// the history has thousands of commits, trees and blobs of both kinds.
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import type { Writable } from 'node:stream';

interface GenerateOptions {
  /** Number of commits. */
  commits: number;
  /** Random (incompressible) bytes added by each commit, in one new file. 0 for none. */
  randomBytesPerCommit: number;
  /** The branch to write. Default 'main'. */
  branch?: string;
  /** Environment for git (HOME, GIT_CONFIG_NOSYSTEM, …). */
  env: NodeJS.ProcessEnv;
  /** zlib level of the pack fast-import writes (random data does not compress anyway). Default 0. */
  compression?: number;
  /** Also point branches `feature-000`, `feature-001`, … at the first this-many commits. */
  extraBranches?: number;
}

interface GeneratedRepository {
  /** The branch's last commit. */
  head: string;
  /** Random bytes written in total. */
  randomBytes: number;
}

function write(stream: Writable, chunk: string | Buffer): Promise<void> {
  return stream.write(chunk) ? Promise.resolve() : new Promise((resolve) => stream.once('drain', () => resolve()));
}

/** Fills the repository at `gitDir` (bare or a .git folder; it must exist). */
export async function generateRepository(gitDir: string, opts: GenerateOptions): Promise<GeneratedRepository> {
  const branch = opts.branch ?? 'main';
  const level = String(opts.compression ?? 0);
  const child = spawn('git', ['-c', `core.compression=${level}`, '-c', `pack.compression=${level}`, 'fast-import', '--quiet', '--done'], {
    env: { ...opts.env, GIT_DIR: gitDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.resume();
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  const input = child.stdin;
  let randomBytes = 0;
  let mark = 0;
  const start = 1_700_000_000;
  const lines: string[] = [];
  for (let i = 0; i < opts.commits; i++) {
    // A small text file that changes in every commit (its last 64 lines).
    lines.push(`line ${i}: ${crypto.randomBytes(12).toString('hex')}`);
    if (lines.length > 64) lines.shift();
    const text = `# generated\n${lines.join('\n')}\n`;
    const textMark = ++mark;
    await write(input, `blob\nmark :${textMark}\ndata ${Buffer.byteLength(text)}\n${text}\n`);
    let randomMark = 0;
    if (opts.randomBytesPerCommit > 0) {
      randomMark = ++mark;
      const data = crypto.randomBytes(opts.randomBytesPerCommit);
      randomBytes += data.length;
      await write(input, `blob\nmark :${randomMark}\ndata ${data.length}\n`);
      await write(input, data);
      await write(input, '\n');
    }
    const message = `commit ${i}\n`;
    const when = start + i * 60;
    let cmd = `commit refs/heads/${branch}\nmark :${++mark}\ncommitter Generator <gen@tessera.invalid> ${when} +0000\ndata ${Buffer.byteLength(message)}\n${message}`;
    cmd += `M 100644 :${textMark} NOTES.md\n`;
    if (randomMark) cmd += `M 100644 :${randomMark} data/${String(Math.floor(i / 100)).padStart(3, '0')}/blob-${i}.bin\n`;
    await write(input, cmd + '\n');
    if (i < (opts.extraBranches ?? 0)) {
      await write(input, `reset refs/heads/feature-${String(i).padStart(3, '0')}\nfrom :${mark}\n\n`);
    }
  }
  await write(input, 'done\n');
  input.end();
  const code = await closed;
  if (code !== 0) throw new Error(`git fast-import exited ${code}: ${stderr}`);
  const head = await new Promise<string>((resolve, reject) => {
    const rp = spawn('git', ['rev-parse', `refs/heads/${branch}`], { env: { ...opts.env, GIT_DIR: gitDir } });
    let out = '';
    rp.stdout.on('data', (c: Buffer) => (out += c.toString()));
    rp.on('error', reject);
    rp.on('close', (c) => (c === 0 ? resolve(out.trim()) : reject(new Error('rev-parse failed'))));
  });
  return { head, randomBytes };
}
