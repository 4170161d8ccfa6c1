// The extension-host harness selects tests as mocha's command line does (test/harness/test-selection.ts):
// --grep PATTERN, /PATTERN/i for a case-insensitive match, and -i/--invert for the tests that do not
// match. The selection is parsed from a real command line and applied by a real mocha run.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import Mocha from 'mocha';
import { mochaSelection, parseRunArgs } from '../harness/test-selection';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TITLES = ['Sign-in opens once', 'sign-in waits for the pick', 'clone keeps the folder'];

/** The titles of the tests a mocha run with the harness's selection for `argv` runs. */
async function selected(argv: string[]): Promise<string[]> {
  const { selection } = parseRunArgs(argv, { timeout: { type: 'string', default: '900' } });
  const mocha = new Mocha({ reporter: class Silent {} as unknown as Mocha.ReporterConstructor, ...mochaSelection(selection) });
  for (const t of TITLES) mocha.suite.addTest(new Mocha.Test(t, () => undefined));
  const ran: string[] = [];
  await new Promise<void>((resolve) => mocha.run(() => resolve()).on('pass', (t) => ran.push(t.title)));
  return ran;
}

describe('harness: --grep and -i/--invert of the extension-host runner', () => {
  it('--grep selects the matching tests (case-sensitive, as in mocha)', async () => {
    assert.deepEqual(await selected(['--grep', 'sign-in']), ['sign-in waits for the pick']);
  });

  it('--grep /PATTERN/i matches without regard to case', async () => {
    assert.deepEqual(await selected(['--grep', '/sign-in/i']), ['Sign-in opens once', 'sign-in waits for the pick']);
  });

  it('-i and --invert run the tests that do not match', async () => {
    assert.deepEqual(await selected(['--grep', '/sign-in/i', '-i']), ['clone keeps the folder']);
    assert.deepEqual(await selected(['--invert', '--grep', 'clone']), ['Sign-in opens once', 'sign-in waits for the pick']);
    assert.deepEqual(await selected(['-g', 'clone', '-i']), ['Sign-in opens once', 'sign-in waits for the pick']);
  });

  it('without --grep every test runs', async () => {
    assert.deepEqual(await selected([]), TITLES);
  });

  it('run-exthost.mjs takes -i and refuses it without --grep, saying why, before starting anything', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [path.join(ROOT, 'test', 'harness', 'run-exthost.mjs'), '-i'], { cwd: ROOT, timeout: 30_000 }, (_err, _out, stderr) =>
        resolve({ code: child.exitCode, stderr }),
      );
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--invert \(-i\) needs --grep PATTERN/);
  });
});
