// nodeHasSqliteStore (src/shared/node-sqlite-support.ts): the one check, for the embedded provider
// and the CLI, that a Node.js has the node:sqlite the SQLite store needs (22.16 or later).
import * as assert from 'node:assert/strict';
import { NODE_SQLITE_MINIMUM, nodeHasSqliteStore } from '../../src/shared/node-sqlite-support';

describe('shared: nodeHasSqliteStore', () => {
  it('accepts 22.16 and later, refuses what comes before', () => {
    assert.equal(NODE_SQLITE_MINIMUM, '22.16');
    for (const v of ['22.16.0', '22.17.1', '23.0.0', '24.9.0', '100.0.0']) assert.equal(nodeHasSqliteStore(v), true, v);
    for (const v of ['20.19.0', '22.5.0', '22.15.9', '21.99.0', '']) assert.equal(nodeHasSqliteStore(v), false, v);
  });
});
