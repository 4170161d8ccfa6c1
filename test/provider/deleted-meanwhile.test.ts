// A write that refers to a row another request (or replica) deleted after this request read it:
// the foreign key finds no parent, and the answer is 404 Not Found — the request would have been
// one a moment later — not a 500, with nothing of the write left behind. A preHandler hook holds
// the request after authorization (the repository resolved) while the repository is deleted, so
// the two overlap for certain. GraphQL answers the same store error NOT_FOUND.
import * as assert from 'node:assert/strict';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';
import { RequestHolds, until } from './helpers/request-holds';
import { newSession, type Session } from '../builders/sessions';
import { sshPublicKey } from '../builders/ssh-keys';

describe('writes referring to a row deleted meanwhile', function () {
  this.timeout(60_000);
  let t: InProcessProvider;
  let s: Session;
  const holds = new RequestHolds();

  before(async () => {
    t = await startInProcessProvider({ routes: [holds.install] });
    s = await newSession(t);
  });
  after(async () => {
    await t?.close();
  });

  const me = () => s.user.login;

  it('POST /repos/{owner}/{repo}/keys for a repository deleted after the request resolved it: 404 Not Found, and no key nor audit event is left', async () => {
    const made = await t.api.post('/user/repos', { token: s.token, body: { name: 'doomed' } });
    assert.equal(made.status, 201, made.text);
    const key = sshPublicKey();
    const h = holds.hold((r) => r.method === 'POST' && r.url.endsWith(`/repos/${me()}/doomed/keys`));
    try {
      const adding = t.api.post(`/repos/${me()}/doomed/keys`, { token: s.token, body: { title: 'late', key } });
      await until(() => h.arrived === 1);
      const deleted = await t.api.delete(`/repos/${me()}/doomed`, { token: s.token });
      assert.equal(deleted.status, 204, deleted.text);
      h.release();
      const answer = await adding;
      assert.equal(answer.status, 404, answer.text);
      assert.equal(answer.json.message, 'Not Found');
    } finally {
      h.release();
    }
    assert.equal(await t.store.audit.count({ action: 'public_key.create' }), 0, 'the audit event went with the write');
    // The key is free (a key is unique across repositories): nothing of the write was kept.
    const other = await t.api.post('/user/repos', { token: s.token, body: { name: 'other' } });
    assert.equal(other.status, 201, other.text);
    const added = await t.api.post(`/repos/${me()}/other/keys`, { token: s.token, body: { title: 'now', key } });
    assert.equal(added.status, 201, added.text);
  });

  it("GraphQL: a mutation whose write meets the store's missing-reference error answers NOT_FOUND, not INTERNAL", async () => {
    // The store's own error for a write to a parent that is not there (a deploy key for no repository)...
    const missing = await t.store.deployKeys
      .create({ repositoryId: 2 ** 31 - 1, title: 'none', key: sshPublicKey(), readOnly: true, addedBy: null, tokenId: null, createdAt: new Date() })
      .then(() => assert.fail('a key for no repository was written'), (err: unknown) => err);
    assert.equal(t.store.isMissingReference(missing), true, String(missing));
    // ...thrown where createRepository writes (no parent of a repository can be deleted through the API).
    const repos = t.store.repositories;
    const create = repos.create;
    repos.create = async () => {
      throw missing;
    };
    try {
      const res = await t.api.post(`${t.provider.url}/api/graphql`, {
        token: s.token,
        body: { query: 'mutation($input: CreateRepositoryInput!) { createRepository(input: $input) { repository { name } } }', variables: { input: { name: 'never', visibility: 'PRIVATE' } } },
      });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json.errors?.map((e: { type: string; message: string }) => [e.type, e.message]), [['NOT_FOUND', 'Not Found']]);
    } finally {
      repos.create = create;
    }
  });
});
