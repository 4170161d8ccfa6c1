// Lists are read with a fixed number of store calls, whatever their length: the token list (with
// fine-grained tokens' resource owners and selected repositories), an org's request queue and its
// grants. Each list is asked for twice with a few items and twice with more (the first answer of
// each pair warms the token cache); the second answers must have cost the same number of calls. The
// user's token list and the org's lists read the columns they show, never whole token rows.
import * as assert from 'node:assert/strict';
import { newSession, type Session } from '../builders/sessions';
import { createFineGrainedToken } from '../builders/tokens';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';

describe('lists cost a fixed number of store reads, whatever their length', function () {
  this.timeout(60_000);
  let t: InProcessProvider;
  let calls = 0;
  /** The store methods (`part.method`) the last readsOf's second GET called. */
  let called: string[] = [];

  before(async () => {
    t = await startInProcessProvider();
    // Count every call of every store method (users, tokens, repositories, ...).
    for (const [partName, part] of Object.entries(t.store)) {
      if (!part || typeof part !== 'object') continue;
      // And name the calls of the parts whose methods the store wraps (SQLite's write gate: own properties).
      for (const name of Object.getOwnPropertyNames(part)) {
        const method = (part as Record<string, unknown>)[name];
        if (typeof method !== 'function') continue;
        (part as Record<string, unknown>)[name] = (...args: unknown[]) => {
          called.push(`${partName}.${name}`);
          return (method as (...a: unknown[]) => unknown).apply(part, args);
        };
      }
      const proto = Object.getPrototypeOf(part) as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const method = (part as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof method !== 'function') continue;
        (part as Record<string, unknown>)[name] = (...args: unknown[]) => {
          calls++;
          called.push(`${partName}.${name}`);
          return (method as (...a: unknown[]) => unknown).apply(part, args);
        };
      }
    }
  });
  after(async () => {
    await t?.close();
  });

  /** Store calls the second of two GETs of `p` made (the first warms the token cache). */
  async function readsOf(p: string, s: Session, expectLength: number): Promise<number> {
    const first = await t.api.get(p, { token: s.token });
    assert.equal(first.status, 200, first.text);
    const before = calls;
    called = [];
    const res = await t.api.get(p, { token: s.token });
    const made = calls - before;
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.length, expectLength, res.text);
    return made;
  }

  it('GET /user/personal-access-tokens: resource owners and selected repositories read for the whole page', async () => {
    const s = await newSession(t);
    const org = await createOrg(t, s);
    await createRepo(t, s, undefined, 'mine-a');
    await createRepo(t, s, undefined, 'mine-b');
    await createRepo(t, s, org, 'theirs');
    const some = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await createFineGrainedToken(t, s, { resource_owner: s.user.login, repository_selection: 'subset', repositories: ['mine-a', 'mine-b'], permissions: { repository: { contents: 'read' } } });
        await createFineGrainedToken(t, s, { resource_owner: org, repository_selection: 'subset', repositories: ['theirs'], permissions: { repository: { contents: 'read' } } });
      }
    };
    await some(1);
    const few = await readsOf('/user/personal-access-tokens', s, 3);
    await some(4);
    const many = await readsOf('/user/personal-access-tokens', s, 11);
    assert.equal(many, few, `${few} store calls for 3 tokens, ${many} for 11`);
    assert.ok(called.includes('tokens.listShown') && !called.includes('tokens.list'), `the list read whole token rows: ${called.join(', ')}`);
    const page = await t.api.get('/user/personal-access-tokens?per_page=4', { token: s.token });
    assert.deepEqual(
      page.json.map((j: { id: number }) => j.id),
      (await t.api.get('/user/personal-access-tokens', { token: s.token })).json.slice(0, 4).map((j: { id: number }) => j.id),
      'a page is the head of the whole list, newest first',
    );
  });

  it("an org's request queue and its grants: tokens and requesters read for the whole list", async () => {
    const owner = await newSession(t);
    const member = await newSession(t);
    const org = await createOrg(t, owner);
    await addMember(t, org, owner, member);
    await createRepo(t, owner, org, 'repo');
    const tokens = async (n: number) => {
      for (let i = 0; i < n; i++) await createFineGrainedToken(t, member, { resource_owner: org, repository_selection: 'all', permissions: { repository: { contents: 'read' } } });
    };
    await tokens(1);
    const fewGrants = await readsOf(`/orgs/${org}/personal-access-tokens`, owner, 1);
    await tokens(4);
    const manyGrants = await readsOf(`/orgs/${org}/personal-access-tokens`, owner, 5);
    assert.equal(manyGrants, fewGrants, `grants: ${fewGrants} store calls for 1, ${manyGrants} for 5`);
    assert.ok(called.includes('tokens.summariesByIds') && !called.includes('tokens.byIds'), `grants read whole token rows: ${called.join(', ')}`);

    await setPolicy(t, org, owner, { require_approval: true });
    await tokens(1);
    const fewRequests = await readsOf(`/orgs/${org}/personal-access-token-requests`, owner, 1);
    await tokens(4);
    const manyRequests = await readsOf(`/orgs/${org}/personal-access-token-requests`, owner, 5);
    assert.equal(manyRequests, fewRequests, `requests: ${fewRequests} store calls for 1, ${manyRequests} for 5`);
    assert.ok(called.includes('tokens.summariesByIds') && !called.includes('tokens.byIds'), `requests read whole token rows: ${called.join(', ')}`);
  });
});
