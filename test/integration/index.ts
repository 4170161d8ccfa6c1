// The extension-host test runner: loaded by VS Code through extensionTestsPath (see
// test/harness/run-exthost.mjs) and run inside the real extension host. It runs every
// out/test/integration/**/*.test.js with mocha (BDD: describe/it), spec reporter to the console.
// Add a suite by adding test/integration/<topic>.test.ts — nothing to register.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { mochaSelection } from '../harness/test-selection';
import { failedTest, failuresLine, type FailedTest } from '../harness/failure-recap';

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: process.env.TESSERA_TEST_COLOR === '1',
    timeout: Number(process.env.TESSERA_TEST_TIMEOUT || 60_000),
    slow: 5_000,
    ...mochaSelection(process.env), // --grep, -i/--invert of run-exthost.mjs
    failZero: true, // no suites (or a --grep that matches nothing) is a failure, not a pass
  });
  const files = fs.readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  console.log(`Running ${files.length} integration test file(s) in the extension host (VS Code ${vscode.version}, Node ${process.versions.node})`);

  return new Promise((resolve, reject) => {
    try {
      const failed: FailedTest[] = [];
      const runner = mocha.run((failures) => {
        // The harness prints these again after everything else (failure-recap.ts).
        const line = failuresLine(failed);
        if (line) console.log(line);
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
      runner.on('fail', (test, err) => failed.push(failedTest(test.fullTitle(), err)));
    } catch (e) {
      reject(e);
    }
  });
}
