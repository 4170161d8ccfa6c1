#!/usr/bin/env node
// The extension-host test layer: runs mocha suites INSIDE the real VS Code extension host.
//
// code-server (own process group) + headless Debian Chromium open the workbench in extension
// development mode with this repo as extensionDevelopmentPath and a runner module
// (`export function run(): Promise<void>`) as extensionTestsPath. The extension host's console
// (mocha's reporter) is printed here; the result comes back through codeAutomationExit.
//
//   node test/harness/run-exthost.mjs [--tests out/test/integration/index.js] [--grep PATTERN] [-i|--invert]
//        [--timeout SECONDS] [--keep] [--verbose] [--headed]
// --grep and -i/--invert select tests as mocha's own do (test-selection.ts): PATTERN may be
// /PATTERN/i for a case-insensitive match; --invert runs the tests that do not match.
// Needs `npm run build` first (npm run test:integration does it).
//
// The extension host gets (process.env): TESSERA_TEST_WORKDIR (an empty scratch dir),
// TESSERA_TEST_WORKSPACE (the opened folder: a git copy of test/fixtures/sample-workspace),
// TESSERA_TEST_EMBEDDED_PORT (the free port also set as "tessera.embeddedPort"),
// TESSERA_TEST_GREP, TESSERA_TEST_INVERT, TESSERA_TEST_COLOR.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { ensureHost, ROOT, HostInstallError } from '../../scripts/install-host.mjs';
import { ensureSystemPackages, SystemPackagesError } from '../../scripts/system-packages.mjs';

/** Workbench (renderer) log lines that are not the extension host's console. */
const WORKBENCH_CHATTER = new RegExp([
  '^Resolv(ing|ed) connection token', '^Creating a socket', '^\\[reconnection-grace-time\\]',
  '^Updating additional builtin extensions cache', '^\\[Service Worker\\]', '^\\[AgentHost',
  '^\\[AccountPolicyGate\\]', 'ENOTFOUND open-vsx\\.org', '^Ignoring fetching additional builtin extensions',
  "authentication provider 'github' to register", // code-server has no GitHub auth; the workbench asks anyway
  '^\\[DefaultAccount\\]', '^Canceled: Canceled[\\s\\S]*workbench\\.js', // the workbench stopping the extension host after the run
].join('|'));

const t0 = Date.now();
const say = (...a) => console.log(`[exthost +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const fail = (msg) => { console.error(`\n[exthost] ERROR: ${msg}\n`); process.exit(2); };

const lib = path.join(ROOT, 'out', 'test', 'harness', 'code-server.js');
const selectionLib = path.join(ROOT, 'out', 'test', 'harness', 'test-selection.js');
const recapLib = path.join(ROOT, 'out', 'test', 'harness', 'failure-recap.js');
for (const file of [lib, selectionLib, recapLib]) {
  if (!fs.existsSync(file)) fail(`the harness is not built (${path.relative(ROOT, file)} missing): run \`npm run build\` first.`);
}
const { parseRunArgs, SelectionError } = await import(selectionLib).then((m) => m.default ?? m);
const { parseFailuresLine, recapLines } = await import(recapLib).then((m) => m.default ?? m);
let opt, selection;
try {
  ({ values: opt, selection } = parseRunArgs(process.argv.slice(2), {
    tests: { type: 'string', default: 'out/test/integration/index.js' },
    timeout: { type: 'string', default: '900' },
    keep: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    headed: { type: 'boolean', default: false },
  }));
} catch (e) {
  fail(e instanceof SelectionError || e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ? e.message : e.stack);
}
const testsModule = path.resolve(ROOT, opt.tests);
for (const [file, what] of [[testsModule, 'the test runner module'], [path.join(ROOT, 'dist', 'extension.js'), 'the extension bundle']]) {
  if (!fs.existsSync(file)) fail(`${what} is not built (${path.relative(ROOT, file)} missing): run \`npm run build\` first.`);
}
const host = await import(lib).then((m) => m.default ?? m);

let chromium;
try {
  await ensureSystemPackages(['browser']);
  chromium = host.chromiumPath();
  await ensureHost({ quiet: true });
  host.codeServer();
} catch (e) {
  fail(e instanceof HostInstallError || e instanceof SystemPackagesError || e.name === 'HarnessError' ? e.message : e.stack);
}

const resultsDir = path.join(host.TEST_RESULTS, 'integration');
fs.mkdirSync(resultsDir, { recursive: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-exthost-'));
// Removed by the host library too if a signal ends this run (unless --keep).
const unregisterTmp = opt.keep ? () => {} : host.registerTempRoot(tmp);
const embeddedPort = await host.freePort();
const profile = host.makeProfile(path.join(tmp, 'profile'), { 'tessera.embeddedPort': embeddedPort });
const workspace = await host.makeGitWorkspace(path.join(tmp, 'workspace'));
const workdir = path.join(tmp, 'work');
fs.mkdirSync(workdir);

let server, browser, exitCode = 1, cleaning;
/** The failing tests the runner named (failure-recap.ts): printed again after everything else. */
let failures = [];
async function cleanup() {
  cleaning ??= (async () => {
    try { await browser?.close(); } catch { /* already gone */ }
    await server?.stop();
    if (opt.keep) {
      say(`kept ${tmp}`);
    } else {
      fs.rmSync(tmp, { recursive: true, force: true });
      unregisterTmp();
    }
  })();
  return cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    console.error(`\n[exthost] ${sig}: stopping code-server and Chromium`);
    await cleanup();
    process.exit(130);
  });
}

try {
  server = await host.startCodeServer({
    profile, smokeTestDriver: true, logPath: path.join(resultsDir, 'code-server.log'),
    env: {
      TESSERA_TEST_WORKDIR: workdir,
      TESSERA_TEST_WORKSPACE: workspace,
      TESSERA_TEST_EMBEDDED_PORT: String(embeddedPort),
      ...selection,
      TESSERA_TEST_COLOR: process.stdout.isTTY ? '1' : '0',
    },
  });
  say(`code-server ${host.CODE_SERVER_VERSION} on ${server.origin} (pid group ${server.pid}); log: ${path.relative(ROOT, server.logPath)}`);

  browser = await host.launchChromium(profile, { headless: !opt.headed });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();

  let resolveExit;
  const exited = new Promise((r) => { resolveExit = r; });
  // The workbench calls these when the smoke-test driver is on (as @vscode/test-web uses them).
  // codeAutomationLog carries the workbench's log: the extension host's console (mocha's reporter,
  // the extension's own console output) and the workbench's start-up chatter, which is dropped here
  // (--verbose shows it). Everything also goes to test-results/integration/console.log.
  const consoleLog = fs.createWriteStream(path.join(resultsDir, 'console.log'));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = format(...(Array.isArray(args) ? args : [args]));
    consoleLog.write(`[${type}] ${line}\n`);
    const named = parseFailuresLine(line);
    if (named) {
      failures = named;
      return;
    }
    if (!opt.verbose && WORKBENCH_CHATTER.test(line)) return;
    if (type === 'error') console.error(line); else console.log(line);
  });
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
  if (opt.verbose) page.on('console', (m) => console.log(`[browser ${m.type()}] ${m.text().slice(0, 500)}`));
  page.on('pageerror', (e) => opt.verbose && console.log(`[browser pageerror] ${e.message}`));

  const authority = `127.0.0.1:${server.port}`;
  const url = host.workbenchUrl(server.origin, workspace, [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${ROOT}`],
    ['extensionTestsPath', `vscode-remote://${authority}${testsModule}`],
  ]);
  // The workbench's first load (code-server sends some 20 MB of scripts) takes seconds alone and
  // minutes on a busy machine: a start that never ends is what this catches.
  await page.goto(url, { timeout: 180_000 });
  await page.waitForSelector('.monaco-workbench', { timeout: 180_000 });
  say(`workbench open; running ${path.relative(ROOT, testsModule)} in the extension host${opt.grep ? ` (grep ${JSON.stringify(opt.grep)}${opt.invert ? ', inverted' : ''})` : ''}`);

  const timeoutMs = Number(opt.timeout) * 1000;
  let timer;
  const result = await Promise.race([
    exited,
    new Promise((r) => { timer = setTimeout(() => r('timeout'), timeoutMs); }),
    new Promise((r) => server.process.once('exit', (c, s) => r(`code-server exited (${c ?? s})`))),
  ]);
  clearTimeout(timer);
  try { await page.screenshot({ path: path.join(resultsDir, 'workbench.png') }); } catch { /* page gone */ }
  if (typeof result === 'number') {
    exitCode = result;
    say(`codeAutomationExit(${result}): ${result === 0 ? 'PASS' : 'FAIL'}`);
  } else {
    exitCode = 3;
    console.error(`[exthost] ERROR: ${result === 'timeout' ? `no result within ${opt.timeout} s (--timeout)` : result}; ` +
      `screenshot and server log in ${path.relative(ROOT, resultsDir)}/`);
  }
} catch (e) {
  exitCode = 4;
  console.error(`[exthost] ERROR: ${e.name === 'HarnessError' ? e.message : e.stack || e}`);
} finally {
  await cleanup();
  say(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s, exit code ${exitCode}`);
  // Mocha's list of failures is far up by now (the workbench's and the harness's lines follow it).
  if (failures.length) for (const l of recapLines(failures)) console.log(`[exthost] ${l}`);
}
process.exit(exitCode);
