// `tessera migrate`: an embedded provider (SQLite) moved into an empty team database on
// PostgreSQL. A token made on the embedded provider works on a team server over the migrated
// database, as do 2FA sign-in (its secret re-encrypted under the team's own key), profiles,
// organizations, a registered OAuth app with the token it issued and a device code still pending,
// the audit log and the repositories; a second migration into the same database is refused.
// Every table of either engine is copied or deliberately skipped.
import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { git, hermeticGitEnv, runGit } from '../../bench/git-https/git-client';
import { Client } from 'pg';
import { ManualClock } from '../../src/provider/clock';
import { openSqliteStore } from '../../src/provider/store/sqlite/sqlite-store';
import { runMigrateCommand } from '../../src/provider/team-migration/migrate-command';
import { COPIED_TABLES, POSTGRES_ONLY_TABLES, SKIPPED_TABLES } from '../../src/provider/team-migration/table-copy';
import { createUser } from '../builders/users';
import { freshOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { newSession } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { addMember, createOrg } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { pollToken, startDevice } from './helpers/device-flow';
import { startTestProvider, TestProvider } from './helpers/provider';
import { newTestDatabaseUrl } from './helpers/test-database';

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

  async function migrate(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runMigrateCommand(args, { out: (l) => (out += `${l}\n`), err: (l) => (err += `${l}\n`) });
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
    const auditBefore = (await embedded.api.get('/user/audit-log?per_page=100', { token: owner.token })).json as { action: string }[];
    assert.ok(auditBefore.length > 3);
    await embedded.close();

    const url = await newTestDatabaseUrl();
    const teamDir = path.join(tmp, 'team');
    const moved = await migrate(['--from', fromDir, '--to', url, '--data', teamDir]);
    assert.equal(moved.code, 0, moved.err);
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
    assert.equal((await migrate(['--from', tmp])).code, 2);
    assert.match((await migrate(['--from', tmp, '--to', 'mysql://x/y', '--repos', tmp])).err, /--to must be a postgres/);
    assert.match((await migrate(['--from', tmp, '--to', 'postgres://h/db'])).err, /--repos DIR \(or --data TEAM_DIR\) is required/);
  });
});
