#!/usr/bin/env node
// `npm start`: Tessera in a real VS Code workbench in your browser.
// Installs the VS Code host once (code-server on Node 24), builds (esbuild --production), packs the .vsix, installs it into
// a persistent dev host (.vscode-test/start/: user data, extensions, a sample git workspace),
// starts code-server on 127.0.0.1 (port 8080 or the next free one) and prints the URL.
// Ctrl-C stops code-server's whole process group (extension host and embedded provider included).
//   npm start [-- --port N] [-- --fresh]     --fresh: forget the dev host's state first
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureHost, ROOT, HostInstallError } from './install-host.mjs';
import { packageVsix, PackageError } from './package.mjs';

const { values: opt } = parseArgs({
  options: { port: { type: 'string', default: '8080' }, fresh: { type: 'boolean', default: false } },
});
const say = (m) => console.log(`[start] ${m}`);
const fail = (m) => { console.error(`\n[start] ERROR: ${m}\n`); process.exit(1); };
const START_DIR = path.join(ROOT, '.vscode-test', 'start');
fs.mkdirSync(START_DIR, { recursive: true });

/** The host library (test/harness/code-server.ts), bundled on the fly: npm start needs no tsc pass. */
async function loadHostLibrary() {
  const esbuild = await import('esbuild');
  const outfile = path.join(START_DIR, 'host-lib.cjs');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'test', 'harness', 'code-server.ts')], outfile,
    bundle: true, platform: 'node', format: 'cjs', target: 'node22', packages: 'external', logLevel: 'warning',
  });
  return createRequire(import.meta.url)(outfile);
}

let vsix, host;
try {
  await ensureHost();
  say('building and packing: esbuild --production, vsce package');
  ({ vsix } = await packageVsix());
  host = await loadHostLibrary();
} catch (e) {
  fail(e instanceof HostInstallError || e instanceof PackageError ? e.message : e.stack || e);
}

if (opt.fresh) {
  say(`--fresh: forgetting the dev host's user data, extensions and workspace`);
  for (const d of ['user-data', 'extensions', 'xdg', 'browser', 'workspace']) fs.rmSync(path.join(START_DIR, d), { recursive: true, force: true });
}
const profile = host.makeProfile(START_DIR, {}, { keepUserSettings: true });
say(`installing ${path.basename(vsix)} into the dev host (${path.relative(ROOT, profile.extensionsDir)}/)`);
await host.installVsix(profile, vsix);
const workspace = path.join(START_DIR, 'workspace');
if (!fs.existsSync(workspace)) host.makeGitWorkspace(workspace);

const port = await host.freePort(Number(opt.port));
let server;
try {
  server = await host.startCodeServer({
    profile, port, offline: false, folder: workspace, logPath: path.join(START_DIR, 'code-server.log'),
  });
} catch (e) {
  fail(e.message);
}

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n[start] ${signal}: stopping code-server (process group ${server.pid})`);
  await server.stop();
  say('stopped');
  process.exit(0);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(sig));
server.process.once('exit', (code, signal) => {
  if (stopping) return;
  console.error(`[start] code-server exited (${code ?? signal}); log: ${path.relative(ROOT, server.logPath)}`);
  process.exit(1);
});

const url = host.workbenchUrl(server.origin, workspace);
console.log(`
  Tessera is running in VS Code (code-server ${host.CODE_SERVER_VERSION}).

  Open in your browser:  ${url}

  Workspace: ${path.relative(ROOT, workspace)}/   Log: ${path.relative(ROOT, server.logPath)}
  (On another machine: ssh -L ${port}:127.0.0.1:${port} <this host>, then open the URL there.)
  Press Ctrl-C to stop.
`);
