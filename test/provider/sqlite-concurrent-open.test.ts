// Several processes starting on one new data folder at once: each opens the SQLite file, puts it in
// WAL mode and runs the migrations. Worker threads stand in for the processes (the locks are the
// file's, so they contend exactly as processes do) and are released together on a shared barrier.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

const DATABASE_MODULE = path.resolve(__dirname, '../../src/provider/store/sqlite/database.js');
const QUIET_MODULE = path.resolve(__dirname, '../../src/provider/quiet-sqlite-warning.js');

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
require(workerData.quiet);
const { openDatabase } = require(workerData.module);
const gate = new Int32Array(workerData.gate);
Atomics.add(gate, 1, 1);
Atomics.wait(gate, 0, 0);
try {
  const db = openDatabase(workerData.dir);
  const mode = db.prepare('PRAGMA journal_mode').get().journal_mode;
  db.close();
  parentPort.postMessage({ mode });
} catch (err) {
  parentPort.postMessage({ error: String(err && err.message) });
}
`;

async function openAllAtOnce(dir: string, count: number): Promise<{ mode?: string; error?: string }[]> {
  const gate = new Int32Array(new SharedArrayBuffer(8));
  const workers = Array.from({ length: count }, () => new Worker(WORKER, { eval: true, workerData: { module: DATABASE_MODULE, quiet: QUIET_MODULE, dir, gate: gate.buffer } }));
  const answers = workers.map((w) => new Promise<{ mode?: string; error?: string }>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  }));
  while (Atomics.load(gate, 1) < count) await new Promise((r) => setTimeout(r, 5));
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  try {
    return await Promise.all(answers);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

describe('SQLite: several processes opening one new database at once', () => {
  it('every one of them opens it in WAL mode with its schema; none is told the database is locked', async function () {
    this.timeout(120_000);
    for (let round = 0; round < 10; round++) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'tessera-open-'));
      try {
        const answers = await openAllAtOnce(dir, 8);
        assert.deepEqual(answers.filter((a) => a.error), [], `round ${round}`);
        assert.ok(answers.every((a) => a.mode === 'wal'));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  });
});
