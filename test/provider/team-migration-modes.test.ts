// `tessera migrate` writes secrets and repositories into the team's folders: the data key
// (TEAM_DIR/secret.key) and the bare repositories are the team's user's only, folders 0700 and files
// without group or other access, whatever the umask the command runs under.
import * as assert from 'node:assert/strict';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMigrateCommand } from '../../src/provider/team-migration/migrate-command';
import { newSession } from '../builders/sessions';
import { enableTwoFactor } from '../builders/two-factor';
import { startTestProvider } from './helpers/provider';
import { newTestDatabaseUrl } from './helpers/test-database';

/** Every folder and file below `root` (root included) whose mode gives group or others any access. */
async function openToOthers(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string) => {
    const st = await lstat(p);
    if (st.isSymbolicLink()) return;
    if (st.mode & 0o077 || (st.isDirectory() && (st.mode & 0o777) !== 0o700)) out.push(`${path.relative(root, p) || '.'} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const name of await readdir(p)) await walk(path.join(p, name));
  };
  await walk(root);
  return out;
}

describe('tessera migrate: the files it writes', function () {
  this.timeout(120_000);
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tessera-migrate-modes-'));
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('the team folder, its data key and the copied repositories are private even under umask 000', async () => {
    const fromDir = path.join(tmp, 'embedded');
    const embedded = await startTestProvider({ dataDir: fromDir, databaseUrl: undefined });
    const owner = await newSession(embedded);
    await enableTwoFactor(embedded, owner.user);
    const made = await embedded.api.post('/user/repos', { token: owner.token, body: { name: 'kept', private: true, auto_init: true } });
    assert.equal(made.status, 201, made.text);
    await embedded.close();

    const teamDir = path.join(tmp, 'team');
    const lines: string[] = [];
    const umask = process.umask(0);
    let code: number;
    try {
      code = await runMigrateCommand(['--from', fromDir, '--to', await newTestDatabaseUrl(), '--data', teamDir], { out: (l) => lines.push(l), err: (l) => lines.push(l) }, {});
    } finally {
      process.umask(umask);
    }
    assert.equal(code, 0, lines.join('\n'));
    assert.ok((await readdir(path.join(teamDir, 'repositories'))).length > 0, 'the repositories were copied');
    assert.deepEqual(await openToOthers(teamDir), []);
  });
});
