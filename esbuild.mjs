// Bundles the extension, the provider (loaded lazily by the extension and used by the CLI),
// the standalone CLI, and the webview scripts. `node esbuild.mjs [--watch] [--production] [--clean]`.
import * as esbuild from 'esbuild';
import fs from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // pg-native: node-postgres' optional native binding, never used (pure JavaScript client).
  external: ['vscode', 'pg-native'],
};

// `--clean` (npm run build, before tsc writes out/ afresh): a test or module deleted from the
// sources must not live on in out/ as a stale compiled copy that mocha still runs.
if (process.argv.includes('--clean')) fs.rmSync('out', { recursive: true, force: true });

const webviewEntries = fs.existsSync('media/webview')
  ? fs.readdirSync('media/webview').filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => `media/webview/${f}`)
  : [];

const builds = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  // Run by git (Tessera's credential helper), not loaded by the extension: Node built-ins only.
  { ...node, entryPoints: ['src/extension/git/credential-helper/helper-main.ts'], outfile: 'dist/git-credential-helper.js' },
  { ...node, entryPoints: ['src/provider/index.ts'], outfile: 'dist/provider.js' },
  { ...node, entryPoints: ['src/provider/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
if (webviewEntries.length) {
  builds.push({
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: !production, minify: production,
    logLevel: 'warning', entryPoints: webviewEntries, outdir: 'dist/webview',
  });
}

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
