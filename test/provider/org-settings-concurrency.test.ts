// Concurrent partial updates of an organization: parallel PATCHes of its profile or its token
// policy, each naming other fields, all stick; and the policy's audit entries tell the true story
// (each entry's `before` is the policy the change was made to, the previous entry's `after`).
import * as assert from 'node:assert/strict';
import type { TokenPolicyJson } from '../../src/shared/api-types';
import { newSession, type Session } from '../builders/sessions';
import { createOrg } from '../builders/orgs';
import { startInProcessProvider, type InProcessProvider } from './helpers/in-process-provider';
import { RequestHolds, until } from './helpers/request-holds';

describe('organization settings under concurrent PATCHes', function () {
  this.timeout(60_000);
  let t: InProcessProvider;
  let owner: Session;
  const holds = new RequestHolds();

  before(async () => {
    t = await startInProcessProvider({ routes: [holds.install] });
    owner = await newSession(t);
  });
  after(async () => t.close());

  it('parallel profile PATCHes of different fields all stick', async () => {
    const org = await createOrg(t, owner);
    const changes = [{ name: 'New name' }, { description: 'About us' }, { company: 'ACME' }, { location: 'Lyon' }, { blog: 'https://blog.example' }, { email: 'org@example.test' }];
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(changes.map((body) => t.api.patch(`/orgs/${org}`, { token: owner.token, body: Object.fromEntries(Object.entries(body).map(([k, v]) => [k, `${v} ${round}`.replace(/^(https:\/\/blog\.example|org@example\.test) (\d)$/, (_, a: string, r: string) => (a.includes('@') ? `org${r}@example.test` : `${a}/${r}`))])) })));
      for (const a of answers) assert.equal(a.status, 200, a.text);
      const got = (await t.api.get(`/orgs/${org}`, { token: owner.token })).json;
      assert.deepEqual(
        [got.name, got.description, got.company, got.location, got.blog, got.email],
        [`New name ${round}`, `About us ${round}`, `ACME ${round}`, `Lyon ${round}`, `https://blog.example/${round}`, `org${round}@example.test`],
      );
    }
  });

  it('parallel policy PATCHes of different fields all stick, and each audit entry\'s before is the previous one\'s after', async () => {
    const org = await createOrg(t, owner);
    const policyPath = `/orgs/${org}/personal-access-token-policy`;
    const initial = (await t.api.get<TokenPolicyJson>(policyPath, { token: owner.token })).json;
    const changes = [
      { classic_tokens: 'restricted' },
      { require_approval: true },
      { max_lifetime_days: { classic: 30 } },
      { max_lifetime_days: { fine_grained: 60 } },
      { sso_required: true },
    ];
    // Every PATCH has read the organization (authorization) before any of them writes.
    const h = holds.hold((r) => r.method === 'PATCH' && r.url.endsWith(policyPath));
    let answers;
    try {
      const patching = Promise.all(changes.map((body) => t.api.patch(policyPath, { token: owner.token, body })));
      await until(() => h.arrived === changes.length);
      h.release();
      answers = await patching;
    } finally {
      h.release();
    }
    for (const a of answers) assert.equal(a.status, 200, a.text);
    const final = (await t.api.get<TokenPolicyJson>(policyPath, { token: owner.token })).json;
    assert.deepEqual(final, { classic_tokens: 'restricted', require_approval: true, max_lifetime_days: { classic: 30, fine_grained: 60 }, sso_required: true });
    const log = await t.api.get(`/orgs/${org}/audit-log?phrase=action:org.personal_access_token_policy_update&order=asc`, { token: owner.token });
    assert.equal(log.status, 200, log.text);
    assert.equal(log.json.length, changes.length);
    const entries = [...log.json].sort((a: { _document_id: string }, b: { _document_id: string }) => Number(a._document_id) - Number(b._document_id));
    let previous: TokenPolicyJson = initial;
    for (const e of entries) {
      assert.deepEqual(e.before, previous, JSON.stringify(entries.map((x: { before: unknown; after: unknown }) => [x.before, x.after])));
      previous = e.after;
    }
    assert.deepEqual(previous, final);
  });
});
