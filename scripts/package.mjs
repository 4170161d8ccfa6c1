#!/usr/bin/env node
// `npm run package`: production bundles (`node esbuild.mjs --production`) packed by @vscode/vsce into
// tessera-<version>.vsix at the repo root. Only what runs goes in (see .vscodeignore); esbuild has
// bundled every dependency, hence --no-dependencies. Prints the contents (vsce's listing), the path and size; fails if
// the package reaches 2 MB or holds a file that should not ship.
// Importable: `await packageVsix()` → { vsix, bytes, files }.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runInGroup, spawnInGroup } from './child-groups.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const MAX_BYTES = 2 * 1024 * 1024;
const VSCE = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
/** Paths inside the .vsix that must never ship. */
const FORBIDDEN = [/^extension\/(src|test|out|bench|node_modules|scripts|\.vscode-test)\//, /\.map$/, /\.ts$/, /^extension\/\.(ci|vscode|git)/];

export class PackageError extends Error {}

/** Runs `node args` tracked (see child-groups.mjs): a signal stops it. */
async function run(args, what) {
  const r = await new Promise((resolve) => {
    const child = spawnInGroup(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (err) => resolve({ status: null, signal: err.message }));
    child.once('close', (status, signal) => resolve({ status, signal }));
  });
  if (r.status !== 0) throw new PackageError(`${what} failed (exit ${r.status ?? r.signal})`);
}

/** The entries of a .vsix (a zip), read with python3's zipfile (no extra dependency). */
async function listZip(file) {
  const r = await runInGroup('python3', ['-c',
    'import sys, zipfile\nfor i in zipfile.ZipFile(sys.argv[1]).infolist(): print(f"{i.file_size}\\t{i.filename}")', file]);
  if (r.status !== 0) throw new PackageError(`listing ${path.basename(file)} failed (python3 exit ${r.status ?? r.signal ?? r.error?.message}): ${r.stderr}`);
  return r.stdout.trim().split('\n').map((l) => { const [size, name] = l.split('\t'); return { name, size: Number(size) }; });
}

export async function packageVsix({ quiet = false } = {}) {
  const say = (m) => { if (!quiet) console.log(`[package] ${m}`); };
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const vsix = path.join(ROOT, `${manifest.name}-${manifest.version}.vsix`);
  say('production bundles: node esbuild.mjs --production');
  await run(['esbuild.mjs', '--production'], 'esbuild (production)');
  // Stale maps from a development build must not ride along (.vscodeignore drops them too).
  for (const f of fs.readdirSync(path.join(ROOT, 'dist'), { recursive: true, encoding: 'utf8' })) {
    if (f.endsWith('.map')) fs.rmSync(path.join(ROOT, 'dist', f));
  }
  say(`vsce package --no-dependencies → ${path.relative(ROOT, vsix)}`);
  // Packed under a temporary name, then renamed: a test run reading the previous .vsix never sees
  // it half-written or missing.
  const partial = path.join(ROOT, `.${path.basename(vsix, ".vsix")}.${process.pid}.partial.vsix`);
  try {
    await run([VSCE, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links',
      '--out', partial], 'vsce package');
    fs.renameSync(partial, vsix);
  } finally {
    fs.rmSync(partial, { force: true });
  }
  const bytes = fs.statSync(vsix).size;
  const files = await listZip(vsix);
  const bad = files.filter((f) => FORBIDDEN.some((re) => re.test(f.name)));
  console.log(`[package] ${vsix}  ${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes, limit ${MAX_BYTES})`);
  if (bad.length) throw new PackageError(`the .vsix holds files that must not ship: ${bad.map((f) => f.name).join(', ')} (fix .vscodeignore)`);
  if (bytes >= MAX_BYTES) throw new PackageError(`the .vsix is ${bytes} bytes, over the 2 MB limit`);
  return { vsix, bytes, files: files.map((f) => f.name) };
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  try {
    await packageVsix();
  } catch (e) {
    console.error(`[package] ERROR: ${e instanceof PackageError ? e.message : e.stack || e}`);
    process.exit(1);
  }
}
