// Debian's `gh` (GitHub CLI), unchanged, against a test provider over HTTPS: installed through
// the project's set-up script when missing; pointed at the provider with GH_HOST=127.0.0.1:<port>
// (gh refuses a port in --hostname, not in GH_HOST, so neither port 443 nor root is needed); the
// provider's CA trusted through SSL_CERT_FILE and GIT_SSL_CAINFO (a bundle of the system's CAs
// plus the provider's); gh's config in a temporary GH_CONFIG_DIR; git hermetic (its HOME there).
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { hermeticGitEnv } from '../../../bench/git-https/git-client';

const SYSTEM_PACKAGES = path.resolve(__dirname, '..', '..', '..', '..', 'scripts', 'system-packages.mjs');
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export interface GhRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface GhEnvironment {
  /** The temporary folder (gh config, git HOME, CA bundle); `dispose` removes it. */
  dir: string;
  /** `127.0.0.1:<port>`, gh's name for the provider. */
  host: string;
  env: NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

/** Installs gh with scripts/system-packages.mjs when it is missing (apt-get as root or with sudo). */
export function ensureGh(): void {
  const r = spawnSync(process.execPath, [SYSTEM_PACKAGES, 'gh'], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 });
  assert.equal(r.status, 0, 'scripts/system-packages.mjs gh could not install gh');
}

/** Where gh goes: a test provider's `t.provider`, or the workbench's embedded provider. */
interface GhTarget {
  readonly url: string;
  /** The provider's own CA (PEM), trusted next to the system's CAs. */
  readonly caCertPem?: string | undefined;
}

/** An environment for gh and git against `target`; `token` (optional) as GH_ENTERPRISE_TOKEN. */
export async function ghEnvironment(target: GhTarget, token?: string): Promise<GhEnvironment> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tessera-gh-'));
  const bundle = path.join(dir, 'ca-bundle.pem');
  writeFileSync(bundle, `${existsSync(SYSTEM_BUNDLE) ? readFileSync(SYSTEM_BUNDLE, 'utf8') : ''}\n${target.caCertPem ?? ''}`);
  await mkdir(path.join(dir, 'home'));
  const host = new URL(target.url).host;
  const env = hermeticGitEnv(path.join(dir, 'home'), bundle, {
    GH_CONFIG_DIR: path.join(dir, 'gh-config'),
    GH_HOST: host,
    SSL_CERT_FILE: bundle,
    GH_PROMPT_DISABLED: '1',
    GH_NO_UPDATE_NOTIFIER: '1',
    GH_PAGER: 'cat',
    NO_COLOR: '1',
  });
  for (const k of ['GH_TOKEN', 'GITHUB_TOKEN', 'GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN']) delete env[k];
  if (token !== undefined) env.GH_ENTERPRISE_TOKEN = token;
  return { dir, host, env, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs gh asynchronously (the provider answers from this same process); never rejects on a failure exit. */
export function runGh(args: string[], env: NodeJS.ProcessEnv, opts: { cwd?: string; input?: string } = {}): Promise<GhRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('gh', args, { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * `gh auth login --web` (the device flow): runs gh until it prints its one-time code, then
 * `approve(code)`; resolves when gh exits (rejects when `approve` failed, after ending gh).
 */
export function ghLoginWithDeviceCode(env: NodeJS.ProcessEnv, approve: (code: string) => Promise<void>): Promise<{ status: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('gh', ['auth', 'login', '--web', '--git-protocol', 'https'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let approved: Promise<void> | undefined;
    let failure: unknown;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /one-time code: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(stderr);
      if (m && !approved) approved = approve(m[1]).catch((err) => {
        failure = err;
        child.kill();
      });
    });
    child.on('error', reject);
    child.on('close', async (status) => {
      await approved;
      if (failure) reject(failure);
      else resolve({ status, stdout, stderr });
    });
    child.stdin.end();
  });
}
