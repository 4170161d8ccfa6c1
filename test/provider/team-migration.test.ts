// `tessera migrate`: an embedded provider (SQLite) moved into an empty team database on
// PostgreSQL. A token made on the embedded provider works on a team server over the migrated
// database, as do 2FA sign-in (its secret re-encrypted under the team's own key), profiles,
// organizations, a registered OAuth app with the token it issued and a device code still pending,
// the audit log and the repositories; a second migration into the same database is refused.
// A --from without tessera.db is refused with nothing made; the source's data key is only read
// (--from-key for one kept elsewhere, as the extension keeps it); the URL may come from
// TESSERA_DATABASE_URL; an id deleted before the move is never given again. A migration that fails
// or is interrupted (SIGINT, SIGTERM) mid-way leaves no repository and no row behind.
// Every table of either engine is copied or deliberately skipped.
import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { git, hermeticGitEnv, runGit } from '../../bench/git-https/git-client';
import { Client } from 'pg';
import { ManualClock } from '../../src/provider/clock';
import { openSqliteStore } from '../../src/provider/store/sqlite/sqlite-store';
import { runMigrateCommand } from '../../src/provider/team-migration/migrate-command';
import { COPIED_TABLES, pgDataCount, POSTGRES_ONLY_TABLES, SKIPPED_TABLES } from '../../src/provider/team-migration/table-copy';
import { createUser } from '../builders/users';
import { freshOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { newSession } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { addMember, createOrg } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { pollToken, startDevice } from './helpers/device-flow';
import { runCli, waitFor } from './helpers/cli-run';
import { startTestProvider, TestProvider } from './helpers/provider';
import { guardProcessGroup } from './helpers/provider-process';
import { newTestDatabaseUrl } from './helpers/test-database';

const CLI = path.resolve(__dirname, '../../src/provider/cli.js');

describe('tessera migrate: an embedded provider into a team database', function () {
  this.timeout(120_000);
  let tmp: string;
  const open: TestProvider[] = [];
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tessera-migrate-'));
  });
  after(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
    await rm(tmp, { recursive: true, force: true });
  });

  /** `tessera migrate ARGS` with `env` as its environment (never the test process's own). */
  async function migrate(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runMigrateCommand(args, { out: (l) => (out += `${l}\n`), err: (l) => (err += `${l}\n`) }, env);
    return { code, out, err };
  }

  it('copies accounts, profiles, 2FA, tokens, orgs, OAuth apps and device codes, audit log and repositories; the tokens work on the team server; a non-empty target is refused', async () => {
    const clock = new ManualClock(Date.now());
    const fromDir = path.join(tmp, 'embedded');
    const embedded = await startTestProvider({ dataDir: fromDir, databaseUrl: undefined, clock });
    await createUser(embedded);
    const owner = await newSession(embedded);
    await enableTwoFactor(embedded, owner.user);
    const member = await newSession(embedded);
    const org = await createOrg(embedded, owner);
    await addMember(embedded, org, owner, member);
    await createRepo(embedded, owner, undefined, 'kept', true);
    const tok = await createClassicToken(embedded, owner, { scopes: ['repo', 'read:org'] });
    assert.equal((await embedded.api.patch('/user', { token: owner.token, body: { bio: 'moved with my tokens' } })).status, 200);
    // A registered OAuth app, a token it received through the device flow, and a device code still pending.
    const app = await embedded.api.post('/user/oauth-apps', { token: owner.token, body: { name: 'Team Tool', url: 'https://tool.example/' } });
    assert.equal(app.status, 201, app.text);
    const clientId: string = app.json.client_id;
    const issued = await startDevice(embedded, 'read:user', clientId);
    assert.equal((await embedded.api.post('/user/device-authorizations', { token: owner.token, body: { user_code: issued.userCode } })).status, 200);
    const oauth = await pollToken(embedded, issued.deviceCode, clientId);
    const oauthToken = oauth.fields.access_token;
    assert.match(oauthToken ?? '', /^tsp_/, oauth.text);
    const pending = await startDevice(embedded, 'repo', clientId);
    await mkdir(path.join(tmp, 'home'));
    const env = hermeticGitEnv(path.join(tmp, 'home'), undefined);
    const remote = (t: TestProvider) => t.provider.url.replace('http://', `http://git:${tok.token}@`) + `/${owner.user.login}/kept.git`;
    const work = path.join(tmp, 'work');
    assert.equal((await runGit(['clone', remote(embedded), work], { env })).code, 0);
    await git(['commit', '-q', '--allow-empty', '-m', 'made before the move'], { cwd: work, env });
    assert.equal((await runGit(['push', 'origin', 'HEAD:main'], { cwd: work, env })).code, 0);
    // The token with the highest id is deleted before the move: its id is never given again.
    const doomed = await createClassicToken(embedded, owner, { scopes: ['user'] });
    assert.equal((await embedded.api.delete(`/user/personal-access-tokens/${doomed.id}`, { token: owner.token })).status, 204);
    const auditBefore = (await embedded.api.get('/user/audit-log?per_page=100', { token: owner.token })).json as { action: string }[];
    assert.ok(auditBefore.length > 3);
    await embedded.close();

    const url = await newTestDatabaseUrl();
    const teamDir = path.join(tmp, 'team');
    // A mistyped --from (a folder that is not there, or one without tessera.db) is refused before
    // anything is made, in the source, the team folder or the database.
    const typo = path.join(tmp, 'embeded');
    const mistyped = await migrate(['--from', typo, '--to', url, '--data', teamDir]);
    assert.equal(mistyped.code, 1);
    assert.match(mistyped.err, new RegExp(`no Tessera database in ${typo} \\(tessera\\.db is missing\\)`));
    assert.doesNotMatch(mistyped.out, /Every count matches/);
    await assert.rejects(stat(typo), /ENOENT/, 'no folder made at the mistyped path');
    await assert.rejects(stat(teamDir), /ENOENT/, 'no team folder made');
    const empty = path.join(tmp, 'empty');
    await mkdir(empty);
    const fromEmpty = await migrate(['--from', empty, '--to', url, '--data', teamDir]);
    assert.equal(fromEmpty.code, 1);
    assert.match(fromEmpty.err, new RegExp(`no Tessera database in ${empty}`));
    assert.deepEqual(await readdir(empty), [], 'nothing written to a folder without a database');

    // The URL (with its password) from TESSERA_DATABASE_URL, not the command line.
    const withPassword = url.replace('postgres@', 'postgres:pw-s3cret@');
    assert.notEqual(withPassword, url);
    const sourceKeyBefore = await readFile(path.join(fromDir, 'secret.key'), 'utf8');
    const moved = await migrate(['--from', fromDir, '--data', teamDir], { TESSERA_DATABASE_URL: withPassword });
    assert.equal(moved.code, 0, moved.err);
    assert.doesNotMatch(moved.out + moved.err, /s3cret/);
    assert.equal(await readFile(path.join(fromDir, 'secret.key'), 'utf8'), sourceKeyBefore, "the source's key is only read");
    assert.match(moved.out, /users\s+3\n/);
    assert.match(moved.out, /organizations\s+1\n/);
    assert.match(moved.out, /bare repositories\s+1\n/);
    assert.match(moved.out, /2FA secrets re-encrypted\s+1\n/);
    assert.match(moved.out, /oauth_apps\s+2\n/, 'GitHub CLI and the registered app');
    assert.match(moved.out, /oauth_device_codes\s+2\n/);
    assert.match(moved.out, /Every count matches/);
    assert.doesNotMatch(moved.out + moved.err, new RegExp(tok.token));
    assert.doesNotMatch(moved.out + moved.err, new RegExp(oauthToken));

    const team = await startTestProvider({ dataDir: teamDir, databaseUrl: url, reposDir: path.join(teamDir, 'repositories'), clock });
    open.push(team);
    const first = await createClassicToken(team, owner, { scopes: ['user'] });
    assert.ok(first.id > doomed.id, `the first token made on the team server gets an id the embedded provider never gave (${first.id}; the deleted one had ${doomed.id})`);
    const me = await team.api.get('/user', { token: tok.token });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.login, owner.user.login);
    assert.equal(me.json.bio, 'moved with my tokens');
    assert.equal((await team.api.get('/user', { token: member.token })).status, 200, "the member's token too");
    const viaApp = await team.api.get('/user', { token: oauthToken });
    assert.equal(viaApp.status, 200, viaApp.text);
    assert.equal(viaApp.json.login, owner.user.login);
    assert.equal(viaApp.headers.get('x-oauth-scopes'), 'read:user');
    const listed = (await team.api.get('/user/personal-access-tokens', { token: owner.token })).json as { oauth_app: unknown; client_id: string | null }[];
    assert.deepEqual(listed.find((x) => x.client_id === clientId)?.oauth_app, { name: 'Team Tool', client_id: clientId, url: 'https://tool.example/' });
    const apps = await team.api.get('/user/oauth-apps', { token: owner.token });
    assert.deepEqual(apps.json.map((a: { name: string; owner: string | null }) => [a.name, a.owner]), [['GitHub CLI', null], ['Team Tool', owner.user.login]]);
    // The device code started before the move is approved and collected on the team server.
    assert.equal((await team.api.post('/user/device-authorizations', { token: owner.token, body: { user_code: pending.userCode } })).status, 200);
    clock.advance(10_000);
    const late = await pollToken(team, pending.deviceCode, clientId);
    assert.match(late.fields.access_token ?? '', /^tsp_/, late.text);
    assert.equal((await team.api.get('/user', { token: late.fields.access_token })).status, 200);
    assert.equal((await team.api.get('/user', { basic: owner.user, otp: await freshOtp(team, owner.user) })).status, 200, '2FA under the team key');
    assert.equal((await team.api.get('/user', { basic: owner.user })).status, 401, 'still needs its second factor');
    const members = await team.api.get(`/orgs/${org}/members`, { token: tok.token });
    assert.equal(members.status, 200, members.text);
    assert.deepEqual(members.json.map((m: { login: string }) => m.login).sort(), [owner.user.login, member.user.login].sort());
    const auditAfter = (await team.api.get('/user/audit-log?per_page=100', { token: owner.token })).json as { action: string }[];
    assert.deepEqual(auditAfter.slice(-auditBefore.length).map((e) => e.action), auditBefore.map((e) => e.action));
    const copy = path.join(tmp, 'copy');
    const cloned = await runGit(['clone', remote(team), copy], { env });
    assert.equal(cloned.code, 0, cloned.stderr);
    assert.equal((await git(['log', '-1', '--format=%s', 'origin/main'], { cwd: copy, env })).trim(), 'made before the move');
    const made = await createClassicToken(team, owner, { scopes: ['user'] });
    assert.ok(made.id > tok.id, 'new ids continue after the copied ones');

    const again = await migrate(['--from', fromDir, '--to', url, '--repos', path.join(tmp, 'other-repos')]);
    assert.equal(again.code, 1);
    assert.match(again.err, /is not empty/);
  });

  it("an embedded provider whose key is not in its data folder (VS Code's secret storage): refused without --from-key, nothing written; moved with it", async () => {
    const clock = new ManualClock(Date.now());
    const fromDir = path.join(tmp, 'vscode-embedded');
    const key = randomBytes(32);
    const secretStorage = {
      where: "VS Code's secret storage",
      load: async () => key,
      save: async () => {
        throw new Error('the key exists: nothing saves one');
      },
    };
    const embedded = await startTestProvider({ dataDir: fromDir, databaseUrl: undefined, clock, dataKey: secretStorage });
    await createUser(embedded);
    const s = await newSession(embedded);
    await enableTwoFactor(embedded, s.user);
    await embedded.close();
    const keyId = () => {
      const db = new DatabaseSync(path.join(fromDir, 'tessera.db'), { readOnly: true });
      try {
        return (db.prepare('SELECT key_id FROM data_key').get() as { key_id: string }).key_id;
      } finally {
        db.close();
      }
    };
    const recorded = keyId();

    const url = await newTestDatabaseUrl();
    const teamDir = path.join(tmp, 'team-vscode');
    const refused = await migrate(['--from', fromDir, '--to', url, '--data', teamDir]);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /two-factor secrets in .*vscode-embedded are encrypted with a data key that is not in the file .*secret\.key\. Give the source's key with --from-key FILE/);
    await assert.rejects(stat(path.join(fromDir, 'secret.key')), /ENOENT/, 'no key made in the source');
    assert.equal(keyId(), recorded, 'the source still belongs to its own key');
    await assert.rejects(stat(teamDir), /ENOENT/);
    const wrongKey = path.join(tmp, 'wrong.key');
    await writeFile(wrongKey, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const wrong = await migrate(['--from', fromDir, '--to', url, '--data', teamDir, '--from-key', wrongKey]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /the data key in the file .*wrong\.key is not the key the two-factor secrets in .*vscode-embedded are encrypted with/);

    const exported = path.join(tmp, 'exported.key');
    await writeFile(exported, `${key.toString('base64')}\n`, { mode: 0o600 });
    const moved = await migrate(['--from', fromDir, '--to', url, '--data', teamDir, '--from-key', exported]);
    assert.equal(moved.code, 0, moved.err);
    assert.match(moved.out, /2FA secrets re-encrypted\s+1\n/);
    assert.equal(keyId(), recorded);
    await assert.rejects(stat(path.join(fromDir, 'secret.key')), /ENOENT/);
    const team = await startTestProvider({ dataDir: teamDir, databaseUrl: url, reposDir: path.join(teamDir, 'repositories'), clock });
    open.push(team);
    assert.equal((await team.api.get('/user', { basic: s.user, otp: await freshOtp(team, s.user) })).status, 200, '2FA under the team key');
    assert.equal((await team.api.get('/user', { basic: s.user })).status, 401);

    // Without --data the team keeps the source's key (here the exported file): no key is ever
    // made in the embedded provider's folder, whose key lives in VS Code's secret storage only.
    const keptUrl = await newTestDatabaseUrl();
    const kept = await migrate(['--from', fromDir, '--to', keptUrl, '--repos', path.join(tmp, 'kept-repos'), '--from-key', exported]);
    assert.equal(kept.code, 0, kept.err);
    await assert.rejects(stat(path.join(fromDir, 'secret.key')), /ENOENT/, 'no key made in the source');
    const client = new Client({ connectionString: keptUrl });
    await client.connect();
    try {
      assert.equal((await client.query('SELECT key_id FROM data_key')).rows[0].key_id, recorded, "the team's key is the source's");
    } finally {
      await client.end();
    }

    // An embedded provider nobody set two-factor up on: no key anywhere for the team to keep.
    const plainDir = path.join(tmp, 'vscode-embedded-plain');
    const plain = await startTestProvider({ dataDir: plainDir, databaseUrl: undefined, clock, dataKey: secretStorage });
    await createUser(plain);
    await plain.close();
    const noKey = await migrate(['--from', plainDir, '--to', await newTestDatabaseUrl(), '--repos', path.join(tmp, 'plain-repos')]);
    assert.equal(noKey.code, 1);
    assert.match(noKey.err, /holds no data key for the team to keep: give --data TEAM_DIR/);
    await assert.rejects(stat(path.join(plainDir, 'secret.key')), /ENOENT/, 'no key made in the source');
  });

  it('refuses, in one line naming what to close, a source a provider still runs on (what it writes would be lost); migrates once it is stopped', async () => {
    const fromDir = path.join(tmp, 'embedded-running');
    const embedded = await startTestProvider({ dataDir: fromDir, databaseUrl: undefined });
    await createUser(embedded);
    await embedded.close();
    // The provider of a VS Code window, or `tessera serve --data`: another process holding the folder's database.
    const running = runCli(['serve', '--data', fromDir, '--tls', 'off']);
    const url = await newTestDatabaseUrl();
    const teamDir = path.join(tmp, 'team-running');
    try {
      await waitFor(running, /listening on/);
      const refused = await migrate(['--from', fromDir, '--to', url, '--data', teamDir]);
      assert.equal(refused.code, 1, refused.out);
      assert.equal(refused.err.trimEnd().split('\n').length, 1, refused.err);
      assert.match(refused.err, new RegExp(`^tessera migrate: a provider is still running on ${fromDir} \\(it has tessera\\.db open\\): close every VS Code window that uses Tessera's embedded provider \\(or stop \`tessera serve --data ${fromDir}\`\\), then run this again`));
      await assert.rejects(stat(teamDir), /ENOENT/, 'no team folder made');
    } finally {
      running.child.kill('SIGTERM');
    }
    assert.equal(await running.exit, 0, running.stderr);
    const moved = await migrate(['--from', fromDir, '--to', url, '--data', teamDir]);
    assert.equal(moved.code, 0, moved.err);
    assert.match(moved.out, /users\s+1\n/);
  });

  it('a migration that fails while copying the repositories leaves the repositories folder empty, so it can simply be run again', async () => {
    const fromDir = path.join(tmp, 'embedded-fifo');
    const embedded = await startTestProvider({ dataDir: fromDir, databaseUrl: undefined });
    await createUser(embedded);
    const s = await newSession(embedded);
    await createRepo(embedded, s, undefined, 'first');
    await createRepo(embedded, s, undefined, 'second');
    await embedded.close();
    // Something cp cannot copy in the second repository: the copy fails after the first one.
    const fifo = path.join(fromDir, 'repositories', s.user.login, 'second.git', 'a-fifo');
    await new Promise<void>((resolve, reject) => execFile('mkfifo', [fifo], (err) => (err ? reject(err) : resolve())));
    const url = await newTestDatabaseUrl();
    const reposDir = path.join(tmp, 'fifo-repos');
    const teamDir = path.join(tmp, 'fifo-team');
    const failed = await migrate(['--from', fromDir, '--to', url, '--data', teamDir, '--repos', reposDir]);
    assert.equal(failed.code, 1, failed.out);
    assert.deepEqual(await readdir(reposDir), [], 'no repository left behind by the failed run');
    await rm(fifo);
    const again = await migrate(['--from', fromDir, '--to', url, '--data', teamDir, '--repos', reposDir]);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /bare repositories\s+2\n/);
  });

  it('Ctrl-C (SIGINT) or SIGTERM mid-way undoes the migration: nothing committed, the repositories folder empty, a rerun succeeds', async () => {
    const fromDir = path.join(tmp, 'embedded-interrupted');
    const embedded = await startTestProvider({ dataDir: fromDir, databaseUrl: undefined });
    await createUser(embedded);
    const s = await newSession(embedded);
    const names = ['one', 'two', 'three'];
    for (const name of names) await createRepo(embedded, s, undefined, name);
    await embedded.close();
    const url = await newTestDatabaseUrl();
    const reposDir = path.join(tmp, 'interrupted-repos');
    const teamDir = path.join(tmp, 'interrupted-team');
    const args = ['migrate', '--from', fromDir, '--data', teamDir, '--repos', reposDir];
    const holder = new Client({ connectionString: url });
    await holder.connect();
    try {
      for (const [signal, table, code] of [
        ['SIGINT', 'audit_events', 130],
        ['SIGTERM', 'repositories', 143],
      ] as const) {
        // The test holds `table` against writes (reads go on): the migration copies every
        // repository, then the rows up to `table`, and waits there, in its transaction (for at
        // most its lock_timeout, 5 s: the signal is sent as soon as the wait is seen).
        await holder.query('BEGIN');
        await holder.query(`LOCK TABLE ${table} IN SHARE MODE`);
        const child = spawn(process.execPath, [CLI, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TESSERA_DATABASE_URL: url } });
        guardProcessGroup(child);
        let output = '';
        child.stdout!.on('data', (d) => (output += d));
        child.stderr!.on('data', (d) => (output += d));
        const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
        for (;;) {
          const waiting = (await holder.query(`SELECT 1 FROM pg_locks WHERE NOT granted AND relation = '${table}'::regclass`)).rows.length > 0;
          const copied = await readdir(path.join(reposDir, s.user.login)).catch(() => [] as string[]);
          if (waiting && copied.length === names.length) break;
          assert.equal(child.exitCode, null, `migrate ended before it was held: ${output}`);
          await new Promise((r) => setTimeout(r, 20));
        }
        child.kill(signal);
        assert.equal(await exited, code, output);
        assert.match(output, new RegExp(`tessera migrate: interrupted \\(${signal}\\): nothing was committed to the team database and the repositories folder .*interrupted-repos is empty again`));
        assert.deepEqual(await readdir(reposDir), [], `no repository left behind by the ${signal}ed run`);
        for (const t of COPIED_TABLES) assert.equal(await pgDataCount(holder, t), 0, `${t}: nothing committed`);
        await holder.query('ROLLBACK');
      }
    } finally {
      await holder.end();
    }
    const again = await migrate(args.slice(1), { TESSERA_DATABASE_URL: url });
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /bare repositories\s+3\n/);
    assert.deepEqual((await readdir(path.join(reposDir, s.user.login))).sort(), names.map((n) => `${n}.git`).sort());
  });

  it('lists every table of either engine as copied or deliberately skipped', async () => {
    const copied = new Set<string>(COPIED_TABLES);
    for (const skipped of Object.keys(SKIPPED_TABLES)) assert.ok(!copied.has(skipped), `${skipped} is both copied and skipped`);
    const listed = [...copied, ...Object.keys(SKIPPED_TABLES)].sort();
    const dir = path.join(tmp, 'fresh');
    const fresh = await openSqliteStore(dir);
    let sqliteTables: string[];
    try {
      sqliteTables = (fresh.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    } finally {
      await fresh.close();
    }
    assert.deepEqual(sqliteTables.sort(), listed, 'a new SQLite table must be added to COPIED_TABLES or SKIPPED_TABLES (team-migration/table-copy.ts)');
    const client = new Client({ connectionString: await newTestDatabaseUrl() });
    await client.connect();
    try {
      const r = await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename");
      const expected = [...copied, ...Object.keys(SKIPPED_TABLES).filter((t) => t !== 'sqlite_sequence'), ...Object.keys(POSTGRES_ONLY_TABLES)].sort();
      assert.deepEqual(r.rows.map((x) => x.name).sort(), expected, 'a new PostgreSQL table must be copied, skipped or listed as PostgreSQL-only');
    } finally {
      await client.end();
    }
  });

  it('refuses bad arguments with a message', async () => {
    const noTarget = await migrate(['--from', tmp, '--repos', tmp]);
    assert.equal(noTarget.code, 2);
    assert.match(noTarget.err, /--to postgres:\/\/… \(or TESSERA_DATABASE_URL\) is required/);
    assert.match((await migrate(['--from', tmp, '--to', 'mysql://x/y', '--repos', tmp])).err, /--to must be a postgres/);
    const badEnv = await migrate(['--from', tmp, '--repos', tmp], { TESSERA_DATABASE_URL: 'mysql://x/y' });
    assert.equal(badEnv.code, 2);
    assert.match(badEnv.err, /TESSERA_DATABASE_URL must be a postgres/);
    assert.match((await migrate(['--from', tmp, '--to', 'postgres://h/db'])).err, /--repos DIR \(or --data TEAM_DIR\) is required/);
    // An empty value (an unset variable) is refused, not taken as "not given" (--repos would then
    // quietly default to TEAM_DIR/repositories, --data to keeping DATA_DIR's key).
    const emptyData = await migrate(['--from', tmp, '--to', 'postgres://h/db', '--data', '', '--repos', tmp]);
    assert.equal(emptyData.code, 2);
    assert.match(emptyData.err, /--data needs a value/);
    assert.match((await migrate(['--from', tmp, '--to', 'postgres://h/db', '--data', tmp, '--repos', ''])).err, /--repos needs a value/);
    assert.match((await migrate(['--from', tmp, '--to', 'postgres://h/db', '--data', tmp, '--from-key', ''])).err, /--from-key needs a value/);
  });
});
