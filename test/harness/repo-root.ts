// The repository root, for the harness: the nearest folder above the running file whose package.json
// is Tessera's (the harness runs as out/test/harness/*.js, or bundled by scripts/start.mjs into
// .vscode-test/).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = findRepoRoot(__dirname);

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const m = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (m.name === 'tessera' && fs.existsSync(path.join(dir, 'esbuild.mjs'))) return dir;
    } catch { /* no package.json here */ }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the Tessera repository above ${from}`);
  }
}
