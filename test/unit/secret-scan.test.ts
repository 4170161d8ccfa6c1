// scripts/secret-scan.mjs, which `npm test` runs over every layer's output and test-results/:
// it finds a token with a right checksum (also split between two chunks of output, also inside a
// binary file), ignores look-alikes, and shows a finding by its last four characters only.
import * as assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateToken, parseToken } from '../../src/shared/token-format';

interface SecretScan {
  StreamScanner: new (parse: typeof parseToken) => { feed(chunk: string | Buffer): void; readonly findings: string[] };
  scanFolder(dir: string, parse: typeof parseToken): { file: string; tokens: string[] }[];
  masked(token: string): string;
}

const load = () => import(pathToFileURL(path.resolve(__dirname, '../../../scripts/secret-scan.mjs')).href) as Promise<SecretScan>;

describe('secret scan of test output', () => {
  it('finds a token split between chunks, once, and ignores look-alikes with a wrong checksum', async () => {
    const { StreamScanner, masked } = await load();
    const token = generateToken('fine_grained');
    const scanner = new StreamScanner(parseToken);
    scanner.feed(`[provider] created ${token.slice(0, 17)}`);
    scanner.feed(Buffer.from(`${token.slice(17)} and again ${token}\n`));
    const lookAlike = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    scanner.feed(`tsp_${'x'.repeat(36)} ${lookAlike} tsq_${'1'.repeat(36)}`);
    assert.deepEqual(scanner.findings, [token]);
    assert.equal(masked(token), `tsf_…${token.slice(-4)}`);
    assert.ok(!masked(token).includes(token.slice(4, -4)));
  });

  it('finds a token in any file under a folder, binary ones included', async () => {
    const { scanFolder } = await load();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tessera-scan-'));
    try {
      const token = generateToken('classic');
      await mkdir(path.join(dir, 'ui'), { recursive: true });
      await writeFile(path.join(dir, 'ui', 'server.log'), 'nothing here\n');
      await writeFile(path.join(dir, 'ui', 'page.bin'), Buffer.concat([Buffer.from([0, 255, 7]), Buffer.from(token), Buffer.from([0])]));
      assert.deepEqual(scanFolder(dir, parseToken), [{ file: path.join(dir, 'ui', 'page.bin'), tokens: [token] }]);
      assert.deepEqual(scanFolder(path.join(dir, 'missing'), parseToken), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
