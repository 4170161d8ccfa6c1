// The CLI's warning filter drops node:sqlite's ExperimentalWarning and nothing else.
import * as assert from 'node:assert/strict';
import { isSqliteExperimentalWarning } from '../../src/provider/quiet-sqlite-warning';

describe('quiet-sqlite-warning', () => {
  it('drops node:sqlite’s experimental warning, however it is emitted', () => {
    assert.equal(isSqliteExperimentalWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning'), true);
    assert.equal(isSqliteExperimentalWarning('SQLite is an experimental feature and might change at any time', { type: 'ExperimentalWarning' }), true);
    const err = Object.assign(new Error('SQLite is an experimental feature and might change at any time'), { name: 'ExperimentalWarning' });
    assert.equal(isSqliteExperimentalWarning(err), true);
  });

  it('lets every other warning through', () => {
    assert.equal(isSqliteExperimentalWarning('The Fetch API is an experimental feature', 'ExperimentalWarning'), false);
    assert.equal(isSqliteExperimentalWarning('SQLite database is locked', 'Warning'), false);
    assert.equal(isSqliteExperimentalWarning('Possible EventEmitter memory leak detected', 'MaxListenersExceededWarning'), false);
    assert.equal(isSqliteExperimentalWarning(new Error('SQLite something')), false);
  });

  it('still emits other warnings through process.emitWarning', async () => {
    const seen = new Promise<Error>((resolve) => process.once('warning', resolve));
    process.emitWarning('expected: the filter lets this test warning through', 'TesseraTestWarning');
    const w = await seen;
    assert.equal(w.name, 'TesseraTestWarning');
    assert.equal(w.message, 'expected: the filter lets this test warning through');
  });
});
