// An owner's change to the organization's profile or to an account API token is audited with who
// made it and the changed fields' values before and after — never a token's secret.
import * as assert from 'node:assert/strict';
import { callAs } from '../builders/callers';
import { createOrg } from '../builders/orgs';
import { newSession, type Session } from '../builders/sessions';
import { startTestProvider, type TestProvider } from './helpers/provider';

describe("the audit log of an organization's changes", function () {
  this.timeout(60_000);
  let t: TestProvider;
  let owner: Session;
  let org: string;

  before(async () => {
    t = await startTestProvider();
    owner = await newSession(t);
    org = await createOrg(t, owner);
  });
  after(async () => t.close());

  async function lastEvent(action: string): Promise<Record<string, unknown> & { text: string }> {
    const log = await t.api.get(`/orgs/${org}/audit-log?phrase=action:${action}&per_page=1`, { token: owner.token });
    assert.equal(log.status, 200, log.text);
    return { ...log.json[0], text: log.text };
  }

  it('org.update: the actor and the changed fields before and after', async () => {
    await callAs(t, owner, 'PATCH', `/orgs/${org}`, { description: 'first', location: 'Berlin' });
    await callAs(t, owner, 'PATCH', `/orgs/${org}`, { description: 'second', blog: 'https://example.invalid' });
    const e = await lastEvent('org.update');
    assert.equal(e.actor, owner.user.login);
    assert.deepEqual(e.fields, ['description', 'blog']);
    assert.deepEqual(e.before, { description: 'first', blog: null });
    assert.deepEqual(e.after, { description: 'second', blog: 'https://example.invalid' });
  });

  it('account_api_token.update and .deactivate: the actor and the changed fields before and after, not the secret', async () => {
    const made = await callAs(t, owner, 'POST', `/orgs/${org}/account-tokens`, { name: 'ci', description: 'builds' });
    await callAs(t, owner, 'PATCH', `/orgs/${org}/account-tokens/${made.id}`, { name: 'ci (old)', description: null });
    const renamed = await lastEvent('account_api_token.update');
    assert.equal(renamed.actor, owner.user.login);
    assert.deepEqual(renamed.before, { name: 'ci', description: 'builds' });
    assert.deepEqual(renamed.after, { name: 'ci (old)', description: null });
    await callAs(t, owner, 'PATCH', `/orgs/${org}/account-tokens/${made.id}`, { active: false });
    const off = await lastEvent('account_api_token.deactivate');
    assert.deepEqual([off.before, off.after], [{ active: true }, { active: false }]);
    for (const e of [renamed, off]) assert.ok(!e.text.includes(made.token), 'no secret in the audit log');
  });
});
