// How a server starts and stops when things go wrong around it: a signal while its modules still load.
import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { killGroup, runCli, type Cli } from './helpers/cli-run';

describe('a server starting and stopping', function () {
  this.timeout(60_000);
  let dataDir: string;
  const started: Cli[] = [];
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-lifecycle-'));
  });
  afterEach(async () => {
    started.splice(0).forEach(killGroup);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('tessera serve: a SIGTERM that comes while its modules still load ends it cleanly (exit 0, one line) having started nothing', async () => {
    const signalWhileLoading = path.resolve(__dirname, 'helpers/signal-while-loading.js');
    const cli = runCli(['serve', '--data', dataDir, '--port', '0', '--tls', 'off'], { NODE_OPTIONS: `--require ${signalWhileLoading}` });
    started.push(cli);
    assert.equal(await cli.exit, 0, cli.stderr);
    assert.match(cli.stderr, /^tessera: SIGTERM, shutting down$/m);
    assert.doesNotMatch(cli.stdout, /listening on/);
    assert.deepEqual(await readdir(dataDir), [], 'no database, key, lock or folder made');
  });
});
