#!/usr/bin/env node
// The UI test layer: packs the extension, then runs mocha (on this Node, Node 24 under npm) over
// out/test/ui/**/*.test.js with test/ui/workbench.ts loaded for its screenshot hooks. Each test
// file starts its own workbench(es) with startWorkbench() (code-server + headless Chromium, the
// .vsix installed). Screenshots and server logs land in test-results/ui/.
//
//   node test/harness/run-ui.mjs [--grep PATTERN] [--vsix FILE | --no-package] [files...]
// Needs `npm run build` first (npm run test:ui does it).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureHost, ROOT, HostInstallError } from '../../scripts/install-host.mjs';
import { ensureSystemPackages, SystemPackagesError } from '../../scripts/system-packages.mjs';
import { packageVsix, PackageError } from '../../scripts/package.mjs';

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    grep: { type: 'string' },
    vsix: { type: 'string' },
    'no-package': { type: 'boolean', default: false },
  },
});
const fail = (msg) => { console.error(`\n[ui] ERROR: ${msg}\n`); process.exit(2); };
const t0 = Date.now();

const lib = path.join(ROOT, 'out', 'test', 'harness', 'code-server.js');
const helpers = path.join(ROOT, 'out', 'test', 'ui', 'workbench.js');
for (const f of [lib, helpers]) {
  if (!fs.existsSync(f)) fail(`${path.relative(ROOT, f)} is not built: run \`npm run build\` first.`);
}
const host = await import(lib).then((m) => m.default ?? m);

let vsix = opt.vsix && path.resolve(opt.vsix);
try {
  await ensureSystemPackages(['browser']);
  host.chromiumPath();
  await ensureHost({ quiet: true });
  host.codeServer();
  if (!vsix && !opt['no-package']) vsix = (await packageVsix({ quiet: true })).vsix;
} catch (e) {
  fail(e instanceof HostInstallError || e instanceof SystemPackagesError || e instanceof PackageError || e.name === 'HarnessError' ? e.message : e.stack);
}

// This run's own copy of the .vsix: another `npm run package` in the same checkout may replace it meanwhile.
let tmp;
if (vsix) {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-ui-vsix-'));
  const copy = path.join(tmp, path.basename(vsix));
  fs.copyFileSync(vsix, copy);
  vsix = copy;
}

fs.rmSync(path.join(host.TEST_RESULTS, 'ui'), { recursive: true, force: true });
const files = positionals.length ? positionals : ['out/test/ui/**/*.test.js'];
const args = [path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'),
  '--require', helpers, '--timeout', '120000', '--slow', process.env.TESSERA_UI_SLOW || '15000', '--fail-zero',
  ...(opt.grep ? ['--grep', opt.grep] : []), ...files];
const r = spawnSync(process.execPath, args, {
  cwd: ROOT, stdio: 'inherit',
  env: { ...process.env, ...(vsix ? { TESSERA_VSIX: vsix } : {}) },
});
if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
console.log(`[ui] done in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in test-results/ui/`);
process.exit(r.status ?? 1);
