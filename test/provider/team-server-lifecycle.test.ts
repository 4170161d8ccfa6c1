// How a server starts and stops when things go wrong around it: a signal while its modules still
// load, a database that refuses its authentication.
import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startProvider } from '../../src/provider/index';
import { killGroup, runCli, type Cli } from './helpers/cli-run';
import { startPasswordAskingServer } from './helpers/postgres-proxy';

/** Polls `probe` until it holds or `ms` have passed; answers whether it held. */
async function eventually(probe: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!probe() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return probe();
}

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

  it('startProvider on a database that asks for a password none was given: refused, and its connection closed at once', async () => {
    const asking = await startPasswordAskingServer();
    const saved = { PGPASSWORD: process.env.PGPASSWORD, PGPASSFILE: process.env.PGPASSFILE };
    delete process.env.PGPASSWORD;
    process.env.PGPASSFILE = path.join(dataDir, 'no-pgpass');
    try {
      await assert.rejects(
        startProvider({ dataDir: path.join(dataDir, 'team'), databaseUrl: `postgres://tessera@127.0.0.1:${asking.port}/team`, tls: 'off' }),
        /asks for a password and none was given/,
      );
      assert.ok(await eventually(() => asking.openConnections() === 0), `${asking.openConnections()} connection(s) still open after the refusal`);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await asking.close();
    }
  });
});
