#!/usr/bin/env node
// `npm start`: Tessera in a real VS Code workbench in your browser.
// Installs the VS Code host once (code-server on Node 24), builds (esbuild --production), packs the .vsix, installs it into
// a persistent dev host (.vscode-test/start/: user data, extensions, a sample git workspace),
// starts code-server on 127.0.0.1 and prints the URL and the password.
//
// The port: 8080 the first time, then always the one used last (remembered in the start folder).
// In code-server, VS Code's secret storage lives in the browser, per origin (http://127.0.0.1:PORT),
// and it holds the embedded provider's data key: on another port the provider cannot unlock its data.
// So a busy port is an error naming it, never a silent move to the next one; `--port N` chooses
// another on purpose.
// The password: code-server runs with --auth password (any local user could otherwise open the
// workbench, terminal included). A random password is made once, kept in the start folder (the
// file 0600, the folder 0700) and printed with the URL at each start.
// Ctrl-C (or SIGTERM, SIGHUP) stops code-server's whole process group (extension host and embedded
// provider included), also during start-up: from the first line on, a signal stops whatever runs
// (dpkg-query and apt-get on a first start, npm install of code-server, esbuild, vsce: each in a
// process group of its own) and exits 0.
//   npm start [-- --port N] [-- --fresh] [-- --vsix FILE]
//     --fresh: forget the dev host's state first; --vsix: install FILE instead of building and packing
// TESSERA_START_DIR: another start folder (default .vscode-test/start/; the tests use their own).
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ownGroups, stopAll } from './child-groups.mjs';
import { ensureHost, ROOT, HostInstallError } from './install-host.mjs';
import { packageVsix, PackageError } from './package.mjs';

const { values: opt } = parseArgs({
  options: { port: { type: 'string' }, fresh: { type: 'boolean', default: false }, vsix: { type: 'string' } },
});
const say = (m) => console.log(`[start] ${m}`);

// First thing, Ctrl-C (or SIGTERM, SIGHUP) stops whatever runs, at any stage: every child of the
// start-up and of the host library (code-server, installing the .vsix, git) is spawned
// asynchronously, in a process group of its own, tracked from the moment it is spawned
// (child-groups.mjs): the signal is handled at once and stops them.
let stopping = false;
let host, server;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n[start] ${signal}: stopping ${server ? 'code-server' : 'start-up'}${server ? ` (process group ${server.pid})` : ''}`);
  // The host library tracks its children (installing the .vsix, git, code-server) in the same
  // child-groups.mjs as the start-up's: one stopAll() stops them all, whatever the stage.
  await stopAll();
  say('stopped');
  process.exit(0);
}
ownGroups();
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void stop(sig));
/** Once a signal came, start-up goes no further (stop() exits). */
const haltIfStopping = () => (stopping ? new Promise(() => {}) : undefined);
const fail = (m) => { console.error(`\n[start] ERROR: ${m}\n`); process.exit(1); };
const START_DIR = path.resolve(process.env.TESSERA_START_DIR || path.join(ROOT, '.vscode-test', 'start'));
const DEFAULT_PORT = 8080;
fs.mkdirSync(START_DIR, { recursive: true, mode: 0o700 });
fs.chmodSync(START_DIR, 0o700); // it holds the password file

const PORT_FILE = path.join(START_DIR, 'port');
const PASSWORD_FILE = path.join(START_DIR, 'password');

/** The port to use: --port, else the one remembered, else 8080. */
function choosePort() {
  const asked = opt.port === undefined ? undefined : Number(opt.port);
  if (asked !== undefined && !(Number.isInteger(asked) && asked > 0 && asked < 65536)) fail(`--port ${opt.port}: not a port number`);
  let remembered;
  try {
    const n = Number(fs.readFileSync(PORT_FILE, 'utf8').trim());
    if (Number.isInteger(n) && n > 0 && n < 65536) remembered = n;
  } catch { /* first start */ }
  return { port: asked ?? remembered ?? DEFAULT_PORT, asked: asked !== undefined, remembered };
}

/** Whether 127.0.0.1:port can be bound now. */
function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.unref();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** The password for the workbench: made once, kept 0600 in the start folder. */
function password() {
  try {
    const kept = fs.readFileSync(PASSWORD_FILE, 'utf8').trim();
    if (kept) {
      fs.chmodSync(PASSWORD_FILE, 0o600);
      return kept;
    }
  } catch { /* first start */ }
  const made = crypto.randomBytes(18).toString('base64url');
  fs.writeFileSync(PASSWORD_FILE, `${made}\n`, { mode: 0o600 });
  fs.chmodSync(PASSWORD_FILE, 0o600);
  return made;
}

/** The host library (test/harness/code-server.ts), bundled on the fly: npm start needs no tsc pass.
 *  Bundled into the repository (it finds the repository, and its packages, from where it lies),
 *  under a name of this process's own, removed once loaded. */
async function loadHostLibrary() {
  const esbuild = await import('esbuild');
  const outfile = path.join(ROOT, '.vscode-test', `start-host-lib.${process.pid}.cjs`);
  try {
    await esbuild.build({
      entryPoints: [path.join(ROOT, 'test', 'harness', 'code-server.ts')], outfile,
      bundle: true, platform: 'node', format: 'cjs', target: 'node22', packages: 'external', logLevel: 'warning',
    });
    return createRequire(import.meta.url)(outfile);
  } finally {
    fs.rmSync(outfile, { force: true });
  }
}

/** A path as printed: relative to the repository when inside it. */
const shown = (p) => (p.startsWith(ROOT + path.sep) ? path.relative(ROOT, p) : p);

const { port, asked, remembered } = choosePort();
const origin = `http://127.0.0.1:${port}`;
if (!(await portFree(port))) {
  fail(`port ${port} on 127.0.0.1 is in use (another \`npm start\`, or another program).\n` +
    `  The workbench keeps the embedded provider's data key in this browser's storage for ${origin}, so npm start\n` +
    `  does not move to another port on its own. Stop what holds port ${port}, or choose another port:\n\n` +
    `      npm start -- --port <N>\n\n` +
    `  On another port the browser's storage starts empty: the embedded provider cannot unlock the data it\n` +
    `  keeps in ${shown(START_DIR)}/ (accounts with two-factor sign-in) until you go back to ${port}.`);
}
if (asked && remembered !== undefined && remembered !== port) {
  say(`--port ${port}: the last start used ${remembered}. The browser's storage for ${origin} is not that of port ${remembered}: ` +
    `the embedded provider's data key is there, so its data cannot be unlocked on this port. \`npm start -- --port ${remembered}\` goes back.`);
}

let vsix;
try {
  await ensureHost();
  await haltIfStopping();
  if (opt.vsix) {
    vsix = path.resolve(opt.vsix);
  } else {
    say('building and packing: esbuild --production, vsce package');
    ({ vsix } = await packageVsix());
  }
  await haltIfStopping();
  const loaded = await loadHostLibrary();
  await haltIfStopping();
  host = loaded;
} catch (e) {
  await haltIfStopping(); // stopped by a signal: the step failed because its child was stopped
  fail(e instanceof HostInstallError || e instanceof PackageError ? e.message : e.stack || e);
}

if (opt.fresh) {
  say(`--fresh: forgetting the dev host's user data, extensions and workspace`);
  for (const d of ['user-data', 'extensions', 'xdg', 'browser', 'workspace']) fs.rmSync(path.join(START_DIR, d), { recursive: true, force: true });
}
const profile = host.makeProfile(START_DIR, {}, { keepUserSettings: true });
const workspace = path.join(START_DIR, 'workspace');
try {
  if (!fs.existsSync(workspace)) await host.makeGitWorkspace(workspace);
  await haltIfStopping();
  say(`installing ${path.basename(vsix)} into the dev host (${shown(profile.extensionsDir)}/)`);
  await host.installVsix(profile, vsix);
  await haltIfStopping();
} catch (e) {
  await haltIfStopping(); // stopped by a signal: the step failed because its child was stopped
  fail(e.message);
}

try {
  server = await host.startCodeServer({
    profile, port, offline: false, folder: workspace, logPath: path.join(START_DIR, 'code-server.log'),
    auth: { password: password() },
  });
} catch (e) {
  await haltIfStopping(); // stopped by a signal during start-up: stop() exits
  fail(e.message);
}
fs.writeFileSync(PORT_FILE, `${port}\n`);

server.process.once('exit', (code, signal) => {
  if (stopping) return;
  console.error(`[start] code-server exited (${code ?? signal}); log: ${shown(server.logPath)}`);
  process.exit(1);
});

const url = host.workbenchUrl(server.origin, workspace);
console.log(`
  Tessera is running in VS Code (code-server ${host.CODE_SERVER_VERSION}).

  Open in your browser:  ${url}
  Password:              ${password()}   (kept in ${shown(PASSWORD_FILE)})

  Workspace: ${shown(workspace)}/   Log: ${shown(server.logPath)}   (code-server: process group ${server.pid})
  Use this URL every time: the embedded provider's data key lives in this browser's storage for ${server.origin}.
  (On another machine: ssh -L ${port}:127.0.0.1:${port} <this host>, then open the URL there.)
  Press Ctrl-C to stop.
`);
