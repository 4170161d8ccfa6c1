// Team mode when the server ends a push's lock connection (pg_terminate_backend, a failover) while
// git runs: the push lock is lost, and a rename or delete at another replica may take the
// repository from then on, so the push is stopped at once — git http-backend's process group ends
// and the client is answered 503 — instead of git writing on into a bare repository that may be
// moved under it. (Without it the push ran on, unlocked, for as long as its client kept sending.)
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { Client } from 'pg';
import { createClassicToken } from '../builders/tokens';
import { newSession } from '../builders/sessions';
import { backendStarted } from './helpers/git-backend-started';
import { startInProcessProvider } from './helpers/in-process-provider';
import { usePostgres } from './helpers/postgres-stores';
import { until } from './helpers/request-holds';

/** Whether process group `pgid` has no process left. */
function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

describe('team mode: a push whose lock connection the server ends', function () {
  this.timeout(60_000);
  const pg = usePostgres();

  it('is stopped at once: git http-backend and its receive-pack end, the client gets 503, and the lock is free', async () => {
    const url = await pg.newDatabase();
    const a = await startInProcessProvider({ databaseUrl: url });
    const killer = new Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
    await killer.connect();
    let req: http.ClientRequest | undefined;
    try {
      const s = await newSession(a);
      const me = s.user.login;
      const made = await a.api.post('/user/repos', { token: s.token, body: { name: 'pushed', auto_init: true } });
      assert.equal(made.status, 201, made.text);
      const t = await createClassicToken(a, s, { scopes: ['repo'] });
      // The push's commands only: git http-backend and receive-pack start and wait for the pack, which never comes.
      const command = `${'0'.repeat(40)} ${'1'.repeat(40)} refs/heads/side\0report-status\n`;
      const commands = (command.length + 4).toString(16).padStart(4, '0') + command + '0000';
      const started = backendStarted();
      req = http.request(`${a.provider.url}/${me}/pushed.git/git-receive-pack`, {
        method: 'POST',
        agent: false,
        headers: { 'Content-Type': 'application/x-git-receive-pack-request', Authorization: 'Basic ' + Buffer.from(`${me}:${t.token}`).toString('base64') },
      });
      const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
        req!.on('error', reject);
        req!.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        });
      });
      req.write(commands);
      const backend = await started;
      const pgid = backend.pid!;

      const db = new URL(url).pathname.slice(1);
      const pushLockHolders = async () =>
        (
          await killer.query<{ pid: number }>(
            `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.mode = 'ShareLock' AND l.granted AND d.datname = $1`,
            [db],
          )
        ).rows.map((r) => r.pid);
      let holders: number[] = [];
      while (!holders.length) holders = await pushLockHolders();
      assert.equal(holders.length, 1, "the push's lock connection holds its push lock");
      assert.ok(!groupGone(pgid), 'git runs, waiting for the pack');
      await killer.query('SELECT pg_terminate_backend($1)', [holders[0]]);

      const res = await answered;
      assert.equal(res.status, 503, res.body);
      assert.match(res.body, /push lock's connection ended/);
      await until(() => groupGone(pgid));
      // The lock is free: a rename goes through at once (no push holds it).
      const renamed = await a.api.patch(`/repos/${me}/pushed`, { token: s.token, body: { name: 'renamed' } });
      assert.equal(renamed.status, 200, renamed.text);
    } finally {
      req?.destroy();
      await killer.end();
      await a.close();
    }
  });
});
