// The extension-host harness names the failing tests again at the very end of its output
// (test/harness/failure-recap.ts): the runner logs one marked line, run-exthost.mjs takes it out of
// the output and prints the recap after the workbench's and its own last lines. Failures come
// from a real mocha run here.
import * as assert from 'node:assert/strict';
import Mocha from 'mocha';
import { failedTest, failuresLine, parseFailuresLine, recapLines, type FailedTest } from '../harness/failure-recap';

/** Runs a small suite in a real mocha (no reporter output) and collects its failures as the runner does. */
function failuresOf(suite: (m: Mocha) => void): Promise<FailedTest[]> {
  const mocha = new Mocha({ reporter: class { constructor() {} } as unknown as Mocha.ReporterConstructor });
  suite(mocha);
  return new Promise((resolve) => {
    const failed: FailedTest[] = [];
    const runner = mocha.run(() => resolve(failed));
    runner.on('fail', (test, err) => failed.push(failedTest(test.fullTitle(), err)));
  });
}

describe('harness: the failing tests named at the end of an extension-host run', () => {
  it('names each failed test and hook by its full title with the first line of its error, through the one logged line', async () => {
    const failed = await failuresOf((mocha) => {
      const outer = Mocha.Suite.create(mocha.suite, 'core: sign-up');
      outer.addTest(new Mocha.Test('passes', () => undefined));
      outer.addTest(new Mocha.Test('Escape while the account is being made', () => assert.equal(1, 2, 'the flow ends without signing in')));
      const hooked = Mocha.Suite.create(mocha.suite, 'views');
      hooked.beforeAll('fixture', () => {
        throw new Error('timed out after 15000 ms waiting for the provider\nat somewhere');
      });
      hooked.addTest(new Mocha.Test('never runs', () => undefined));
    });
    assert.deepEqual(failed.map((f) => f.title), ['core: sign-up Escape while the account is being made', 'views "before all" hook: fixture for "never runs"']);
    assert.equal(failed[0]!.error, 'AssertionError: the flow ends without signing in');
    assert.equal(failed[1]!.error, 'Error: timed out after 15000 ms waiting for the provider');

    const line = failuresLine(failed)!;
    assert.deepEqual(parseFailuresLine(line), failed, 'the harness reads back what the runner logged');
    assert.equal(failuresLine([]), undefined, 'nothing logged when nothing failed');
    for (const other of ['  1 failing', '  1) core: sign-up', '[tessera-failures] not json', 'Tessera activated']) assert.equal(parseFailuresLine(other), undefined, other);
  });

  it("prints one line per failure, never in mocha's `N) ` form (npm test's summary counts those lines)", () => {
    const lines = recapLines([{ title: 'core: sign-up Escape', error: 'AssertionError: no' }, { title: 'views x', error: 'Error: y' }]);
    assert.deepEqual(lines, ['2 failing:', '  ✖ core: sign-up Escape — AssertionError: no', '  ✖ views x — Error: y']);
    for (const l of lines) assert.doesNotMatch(`[exthost] ${l}`, /^\s*(?:\[[^\]]*\]\s*)*\d+\) \S/);
  });
});
