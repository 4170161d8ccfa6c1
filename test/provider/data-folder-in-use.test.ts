// A data folder another Tessera process holds: `tessera reset-two-factor --data` refuses one a
// provider runs on (as `tessera migrate` does), and a provider started while a migration holds its
// folder says so; each in one line saying what to do.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { openDatabase } from '../../src/provider/store/sqlite/database';
import { killGroup, refusal, runCli, waitFor, type Cli } from './helpers/cli-run';

describe('a data folder another tessera holds', function () {
  this.timeout(60_000);
  let dataDir: string;
  const started: Cli[] = [];
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-held-'));
  });
  afterEach(async () => {
    started.splice(0).forEach(killGroup);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reset-two-factor refuses a data folder a provider runs on, in one line saying what to close; runs once it is stopped', async () => {
    // The provider of a VS Code window, or `tessera serve --data`: another process with the folder's database open.
    const running = runCli(['serve', '--data', dataDir, '--port', '0', '--tls', 'off']);
    started.push(running);
    await waitFor(running, /listening on/);
    const refused = runCli(['reset-two-factor', '--data', dataDir]);
    started.push(refused);
    assert.equal(await refused.exit, 1, refused.stdout);
    assert.equal(refused.stderr.trimEnd().split('\n').length, 1, refused.stderr);
    assert.match(
      refused.stderr.trimEnd(),
      new RegExp(`^tessera reset-two-factor: a provider is still running on ${dataDir} \\(it has tessera\\.db open\\): close every VS Code window that uses Tessera's embedded provider \\(or stop \`tessera serve --data ${dataDir}\`\\), then run this again$`),
    );
    assert.equal(refused.stdout, '', 'nothing removed');
    running.child.kill('SIGTERM');
    assert.equal(await running.exit, 0, running.stderr);
    const reset = runCli(['reset-two-factor', '--data', dataDir]);
    started.push(reset);
    assert.equal(await reset.exit, 0, reset.stderr);
    assert.match(reset.stdout, /^Removed two-factor authentication from 0 account\(s\)/);
  });

  it('a provider started while `tessera migrate` holds its data folder says so in one line, with what to do', async () => {
    // What `tessera migrate` does with its source for the whole migration (team-migration/migrate-to-team.ts).
    openDatabase(dataDir).close();
    const migration = openDatabase(dataDir, { alone: true });
    try {
      const cli = runCli(['serve', '--data', dataDir, '--port', '0', '--tls', 'off']);
      started.push(cli);
      assert.equal(await refusal(cli), 1, cli.stderr);
      assert.equal(cli.stderr.trimEnd().split('\n').length, 1, cli.stderr);
      assert.match(
        cli.stderr.trimEnd(),
        new RegExp(`^tessera: ${dataDir}/tessera\\.db is held by a \`tessera migrate\` \\(or another tessera command\\) running on it: start the provider again once it has ended \\(after a migration, use the team server: the setting tessera\\.providerUrl\\)$`),
      );
    } finally {
      migration.close();
    }
  });

});
