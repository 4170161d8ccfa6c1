#!/usr/bin/env node
// `npm test` (after `npm run build`): the lint, then every test layer in turn — unit, provider, extension host
// (integration), UI — each with its own mocha summary; a failing layer does not stop the next.
// First, once, the Debian packages all the chosen layers need (scripts/system-packages.mjs); when
// they cannot be installed, the layers that need them fail without running.
// The provider suite's two passes (SQLite, PostgreSQL) run side by side, each in its own process
// on its own databases: the first's output streams, the second's is held and printed whole once
// the first has ended, so neither interleaves with the other.
// Every layer's output (stdout and stderr) and the files the layers leave in test-results/ are
// scanned for tokens (scripts/secret-scan.mjs): a token found fails the run, naming the layer or
// file and the token's last four characters. Ends with one line per layer and exits non-zero if
// any failed.
//   node scripts/test-all.mjs [--only unit,provider,provider-pg,integration,ui]
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { builtParseToken, masked, scanFolder, StreamScanner, tokensIn } from './secret-scan.mjs';
import { ensureSystemPackages, SystemPackagesError } from './system-packages.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opt } = parseArgs({ options: { only: { type: 'string' } } });
const npm = process.env.npm_execpath;

// `packages`: the Debian package groups (scripts/system-packages.mjs) the layer's tests need. They
// are all installed once, before any layer starts: the two provider passes run side by side, and two
// apt-get at once fail on dpkg's lock. (The tests' own checks stay, for a single test file run
// alone; after this they find everything installed and do nothing.)
// `limit`: minutes a layer may take in all (each normally takes a fraction of it). A layer past
// its limit, or still running two minutes after mocha printed its summary (something a test
// started was left running), is stopped with its whole process group and fails, so a hang can
// never hold the run until CI's own timeout.
const LAYERS = [
  { name: 'lint', what: 'ESLint: layers, import cycles, file size', limit: 5, cmd: npm ? [npm, 'run', '--silent', 'lint'] : null },
  { name: 'unit', what: 'pure logic, mocha', limit: 5, cmd: npm ? [npm, 'run', '--silent', 'test:unit'] : null },
  { name: 'provider', what: 'the real provider over HTTPS, real git', limit: 25, packages: ['git', 'postgres', 'gh'], cmd: npm ? [npm, 'run', '--silent', 'test:provider'] : null },
  { name: 'provider-pg', what: 'the provider suite again on PostgreSQL (docs/store.md)', limit: 25, alongside: 'provider', packages: ['git', 'postgres', 'gh'], cmd: npm ? [npm, 'run', '--silent', 'test:provider:postgres'] : null },
  { name: 'integration', what: 'mocha inside the real VS Code extension host', limit: 15, packages: ['host', 'browser'], cmd: ['test/harness/run-exthost.mjs'] },
  { name: 'ui', what: 'Playwright driving the workbench with the packed .vsix', limit: 25, packages: ['host', 'browser', 'gh'], cmd: ['test/harness/run-ui.mjs'] },
];
const AFTER_SUMMARY_MS = 120_000;
if (!npm) {
  console.error('[test] run me through npm (`npm test`): the lint, unit and provider layers are npm scripts.');
  process.exit(2);
}
const only = opt.only?.split(',');
const layers = LAYERS.filter((l) => !only || only.includes(l.name));
const results = [];
const groups = [...new Set(layers.flatMap((l) => l.packages ?? []))];
let packagesFailed = false;
if (groups.length) {
  console.log(`[test] Debian packages the layers need (groups ${groups.join(', ')}): checking once, before any layer starts`);
  try {
    await ensureSystemPackages(groups);
  } catch (e) {
    packagesFailed = true;
    console.error(`\n[test] ERROR: ${e instanceof SystemPackagesError ? e.message : e.stack || e}`);
    console.error('[test] the layers that need these packages fail without running.\n');
    results.push({ name: 'packages', ok: false, code: 'missing Debian packages (see the top of the output)', secs: 0 });
  }
}
if (!packagesFailed && layers.some((l) => l.name === 'integration' || l.name === 'ui')) {
  // The VS Code host for those two layers: installed once (about 2 minutes), a no-op afterwards.
  const r = spawnSync(process.execPath, ['scripts/install-host.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) results.push({ name: 'host', ok: false, code: r.status ?? r.signal, secs: 0 });
}
const parseToken = builtParseToken(ROOT);
/**
 * Runs a layer with its output streamed through, counting mocha's `N passing` / `N failing` lines
 * and scanning stdout and stderr for tokens.
 */
function runCounting(args, limitMinutes, held) {
  // `held`: an array that receives the output ([stream, chunk]) instead of the terminal.
  const out = (stream, chunk) => (held ? held.push([stream, chunk]) : stream.write(chunk));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stopped;
    const stopGroup = (why) => {
      if (stopped || child.exitCode !== null || child.signalCode !== null) return;
      stopped = why;
      out(process.stdout, `\n[test] ${why}: stopping it and everything it started\n`);
      const signal = (sig) => {
        try {
          process.kill(-child.pid, sig);
        } catch {
          // the group is gone
        }
      };
      signal('SIGTERM');
      setTimeout(() => signal('SIGKILL'), 15_000).unref();
    };
    const limitTimer = setTimeout(() => stopGroup(`still running after ${limitMinutes} minutes`), limitMinutes * 60_000);
    let summaryTimer;
    const scanner = new StreamScanner(parseToken);
    const errScanner = new StreamScanner(parseToken);
    child.stderr.on('data', (chunk) => {
      out(process.stderr, chunk);
      errScanner.feed(chunk);
    });
    let passed = 0;
    let failed = 0;
    let partial = '';
    /** The lines after mocha's `N failing`: the failures' titles, for the summary. */
    const failureLines = [];
    let afterFailing = false;
    child.stdout.on('data', (chunk) => {
      out(process.stdout, chunk);
      scanner.feed(chunk);
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const p = /^\s*(?:\[[^\]]*\]\s*)*(\d+) passing\b/.exec(line);
        const f = /^\s*(?:\[[^\]]*\]\s*)*(\d+) failing\b/.exec(line);
        if (p) passed += Number(p[1]);
        if (f) failed += Number(f[1]);
        if (afterFailing && failureLines.length < 400) failureLines.push(line);
        if (f) afterFailing = true;
        if (p || f) {
          clearTimeout(summaryTimer);
          summaryTimer = setTimeout(() => stopGroup('still running two minutes after its tests ended (a test left something running)'), AFTER_SUMMARY_MS);
        }
      }
    });
    const finish = (status, signal) => {
      clearTimeout(limitTimer);
      clearTimeout(summaryTimer);
      resolve({ status: stopped ? 1 : status, signal, stopped, passed, failed, failures: failureTitles(failureLines), secrets: [...new Set([...scanner.findings, ...errScanner.findings])] });
    };
    child.on('close', finish);
    // A process the layer started in a group of its own may still hold the output pipes: once the
    // layer itself exited, its output is read for a few more seconds, not for ever.
    child.on('exit', (status, signal) => setTimeout(() => {
      child.stdout.destroy();
      child.stderr.destroy();
      finish(status, signal);
    }, 5_000).unref());
  });
}
/**
 * The first failures mocha listed (`1) suite`, the test's title, the error's first line), each line
 * cut short and any token in it masked: the summary names them, so that the end of a CI log says
 * which test failed.
 */
function failureTitles(lines, max = 5) {
  const out = [];
  for (let i = 0; i < lines.length && out.length < max; i++) {
    if (!/^\s*(?:\[[^\]]*\]\s*)*\d+\) \S/.test(lines[i])) continue;
    const parts = [];
    for (let j = i; j < lines.length && parts.length < 3; j++) {
      const t = lines[j].replace(/\x1b\[[0-9;]*m/g, '').trim();
      if (t) parts.push(t);
      else if (parts.length) break;
    }
    let text = parts.join(' › ');
    for (const token of tokensIn(text, parseToken)) text = text.replaceAll(token, masked(token));
    out.push(text.length > 300 ? `${text.slice(0, 299)}…` : text);
  }
  return out;
}
const hostFailed = results.some((r) => r.name === 'host');
/** Runs a layer (its output held in `held` when given) and returns its result line. */
async function runLayer(layer, held) {
  const t0 = Date.now();
  const r = await runCounting(layer.cmd, layer.limit, held);
  const leaked = r.secrets.length ? `a token in its output: ${r.secrets.map(masked).join(', ')}` : undefined;
  return { ...layer, leaked, ok: r.status === 0 && !leaked, code: leaked ?? r.stopped ?? r.status ?? r.signal, secs: (Date.now() - t0) / 1000, passed: r.passed, failed: r.failed, failures: r.failures };
}
function reportLeak(r) {
  if (r.leaked) console.log(`\n[test] ${r.name}: ${r.leaked}`);
}
const started = new Map();
for (const layer of layers) {
  if (packagesFailed && layer.packages) {
    console.log(`\n━━━ ${layer.name}: FAILED — Debian packages it needs are missing (see the top) ━━━`);
    results.push({ ...layer, ok: false, code: 'no packages', secs: 0 });
    continue;
  }
  if (hostFailed && (layer.name === 'integration' || layer.name === 'ui')) {
    console.log(`\n━━━ ${layer.name}: FAILED — the VS Code host could not be installed (see above) ━━━`);
    results.push({ ...layer, ok: false, code: 'no host', secs: 0 });
    continue;
  }
  if (started.has(layer.name)) {
    // Ran alongside an earlier layer: its held output, then its result.
    const { held, done } = started.get(layer.name);
    const r = await done;
    console.log(`\n━━━ ${layer.name}: ${layer.what} (ran alongside ${layer.alongside}) ━━━`);
    for (const [stream, chunk] of held) stream.write(chunk);
    reportLeak(r);
    results.push(r);
    continue;
  }
  for (const other of layers.filter((l) => l.alongside === layer.name)) {
    const held = [];
    started.set(other.name, { held, done: runLayer(other, held) });
    console.log(`\n[test] ${other.name} runs alongside ${layer.name}; its output follows it`);
  }
  console.log(`\n━━━ ${layer.name}: ${layer.what} ━━━`);
  const r = await runLayer(layer);
  reportLeak(r);
  results.push(r);
}
// What the layers leave behind: logs, console captures, screenshots' neighbours.
const leftovers = scanFolder(path.join(ROOT, 'test-results'), parseToken);
for (const f of leftovers) console.log(`[test] a token in ${path.relative(ROOT, f.file)}: ${f.tokens.map(masked).join(', ')}`);
if (leftovers.length) results.push({ name: 'secret-scan', ok: false, code: `tokens in ${leftovers.length} file(s) under test-results/`, secs: 0 });
console.log('\n━━━ summary ━━━');
for (const r of results) {
  console.log(`  ${r.ok ? 'pass' : 'FAIL'}  ${r.name.padEnd(12)} ${r.secs.toFixed(0).padStart(5)} s${r.ok ? '' : `  (exit ${r.code})`}`);
  for (const f of r.failures ?? []) console.log(`          ${f}`);
}
const failed = results.filter((r) => !r.ok);
const sum = (k) => results.reduce((n, r) => n + (r[k] ?? 0), 0);
console.log(failed.length ? `\n${failed.length} layer(s) failed: ${failed.map((r) => r.name).join(', ')}` : '\nall layers passed');
// The plain closing line CI reads: every mocha test of every layer.
console.log(`tests: ${sum('passed')} passed, ${sum('failed')} failed`);
process.exit(failed.length ? 1 : 0);
