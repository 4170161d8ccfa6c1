// A change and its audit event commit together: when the event cannot be written, the change is
// not made either (token PATCH, repository deletion, membership removal, an approval review, a bulk
// revocation of org grants: all of its tokens keep their access when one event fails). The
// audit table refuses the event with a real trigger: a temporary one on the provider's own SQLite
// connection, or a trigger on the PostgreSQL table.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { repositoryPath } from '../../src/provider/git/bare-repos';
import { repositoriesRoot } from '../../src/provider/repos/repositories-root';
import { SqliteStore } from '../../src/provider/store/sqlite/sqlite-store';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';
import { newSession } from '../builders/sessions';
import { createClassicToken, postFineGrainedToken } from '../builders/tokens';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';

describe('a change and its audit event commit together', () => {
  let t: InProcessProvider;

  before(async () => {
    t = await startInProcessProvider();
  });
  after(async () => {
    await t.close();
  });
  const onSqlite = () => t.store instanceof SqliteStore;
  afterEach(async () => {
    await t.execSql(onSqlite() ? 'DROP TRIGGER IF EXISTS temp.refuse_audit' : 'DROP TRIGGER IF EXISTS refuse_audit ON audit_events');
  });

  /** Makes writing the audit event `action` fail (only the one about token `tokenId`, when given). */
  async function refuseAudit(action: string, tokenId?: number): Promise<void> {
    const when = `NEW.action = '${action}'${tokenId !== undefined ? ` AND NEW.token_id = ${tokenId}` : ''}`;
    if (onSqlite()) {
      await t.execSql(
        `CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON main.audit_events WHEN ${when}
         BEGIN SELECT RAISE(ABORT, 'audit refused'); END`,
      );
      return;
    }
    await t.execSql(
      `CREATE OR REPLACE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$;
       CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION refuse_audit();`,
    );
  }

  it('a token PATCH whose audit event fails changes nothing', async () => {
    const s = await newSession(t);
    const token = await createClassicToken(t, s, { scopes: ['repo'], name: 'before' });
    await refuseAudit('personal_access_token.update');
    const res = await t.api.patch(`/user/personal-access-tokens/${token.id}`, { token: s.token, body: { name: 'after', scopes: ['public_repo'] } });
    assert.ok(res.status >= 500, `status ${res.status}: ${res.text}`);
    const now = await t.api.get(`/user/personal-access-tokens/${token.id}`, { token: s.token });
    assert.equal(now.json.name, 'before');
    assert.deepEqual(now.json.scopes, ['repo']);
  });

  it('a repository deletion whose audit event fails keeps the record and the bare repository', async () => {
    const s = await newSession(t);
    const repo = await createRepo(t, s, undefined, 'keep-me');
    await refuseAudit('repo.destroy');
    const res = await t.api.delete(`/repos/${repo.full_name}`, { token: s.token });
    assert.ok(res.status >= 500, `status ${res.status}: ${res.text}`);
    assert.equal((await t.api.get(`/repos/${repo.full_name}`, { token: s.token })).status, 200);
    assert.ok(existsSync(repositoryPath(repositoriesRoot(t.ctx), s.user.login, 'keep-me')), 'the bare repository was put back');
  });

  it("a membership removal whose audit event fails keeps the member and their tokens' access", async () => {
    const owner = await newSession(t);
    const member = await newSession(t);
    const org = await createOrg(t, owner);
    await addMember(t, org, owner, member);
    const fg = await postFineGrainedToken(t, member, { resource_owner: org, repository_selection: 'all', permissions: { organization: { members: 'read' } } });
    assert.equal(fg.status, 201, fg.text);
    await refuseAudit('org.remove_member');
    const res = await t.api.delete(`/orgs/${org}/memberships/${member.user.login}`, { token: owner.token });
    assert.ok(res.status >= 500, `status ${res.status}: ${res.text}`);
    assert.equal((await t.api.get(`/orgs/${org}/memberships/${member.user.login}`, { token: owner.token })).json.state, 'active');
    const token = await t.api.get(`/user/personal-access-tokens/${fg.json.id}`, { token: member.token });
    assert.equal(token.json.resource_owner, org, 'the token still acts for the org');
    assert.equal(token.json.status, 'active');
  });

  it('an approval whose audit event fails leaves the request and the token pending', async () => {
    const owner = await newSession(t);
    const member = await newSession(t);
    const org = await createOrg(t, owner);
    await addMember(t, org, owner, member);
    await setPolicy(t, org, owner, { require_approval: true });
    const fg = await postFineGrainedToken(t, member, { resource_owner: org, repository_selection: 'all', permissions: { organization: { members: 'read' } } });
    assert.equal(fg.json.status, 'pending', fg.text);
    const [request] = (await t.api.get(`/orgs/${org}/personal-access-token-requests`, { token: owner.token })).json;
    await refuseAudit('personal_access_token.access_granted');
    const res = await t.api.post(`/orgs/${org}/personal-access-token-requests/${request.id}`, { token: owner.token, body: { action: 'approve' } });
    assert.ok(res.status >= 500, `status ${res.status}: ${res.text}`);
    assert.equal((await t.api.get(`/user/personal-access-tokens/${fg.json.id}`, { token: member.token })).json.status, 'pending');
    const again = await t.api.get(`/orgs/${org}/personal-access-token-requests`, { token: owner.token });
    assert.deepEqual(again.json.map((r: { id: number }) => r.id), [request.id], 'still waiting for review');
  });

  it('a bulk revocation (POST /orgs/{org}/personal-access-tokens) one of whose audit events fails revokes none of the tokens', async () => {
    const owner = await newSession(t);
    const member = await newSession(t);
    const org = await createOrg(t, owner);
    await addMember(t, org, owner, member);
    await createRepo(t, owner, org, 'inside');
    const made = [];
    for (const name of ['first', 'second']) {
      const fg = await postFineGrainedToken(t, member, { name, resource_owner: org, repository_selection: 'all', permissions: { repository: { contents: 'read' } } });
      assert.equal(fg.json.status, 'active', fg.text);
      made.push({ id: fg.json.id, token: (fg.json as { token: string }).token });
    }
    await refuseAudit('personal_access_token.access_revoked', made[1].id);
    const res = await t.api.post(`/orgs/${org}/personal-access-tokens`, { token: owner.token, body: { action: 'revoke', pat_ids: made.map((m) => m.id) } });
    assert.ok(res.status >= 500, `status ${res.status}: ${res.text}`);
    const grants = await t.api.get(`/orgs/${org}/personal-access-tokens`, { token: owner.token });
    assert.deepEqual(grants.json.map((g: { id: number }) => g.id).sort(), made.map((m) => m.id).sort(), 'both tokens keep their access');
    for (const m of made) assert.equal((await t.api.get(`/repos/${org}/inside`, { token: m.token })).status, 200);
  });
});
