// A token in the URL (`?access_token=`), refused as GitHub refuses it since it retired
// query-parameter authentication: 400 "Must specify access token via Authorization header" on
// every kind of route (REST, GraphQL, the change stream, git, a path no route serves), whatever
// else the request carries — never taken as an anonymous request, which would answer public data
// and leave the client putting its token in URLs.
import * as assert from 'node:assert/strict';
import { newSession, type Session } from '../builders/sessions';
import { createRepo } from '../builders/repos';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('a token in the URL (?access_token=)', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let alice: Session;

  before(async () => {
    t = await startTestProvider({ tls: 'auto' });
    alice = await newSession(t);
    await createRepo(t, alice, undefined, 'open', false);
  });
  after(async () => t.close());

  it("is refused with GitHub's 400 on every kind of route, with or without an Authorization header", async () => {
    const login = alice.user.login;
    const o = t.provider.url;
    const paths = [
      `/api/v3/user?access_token=${alice.token}`,
      `/api/v3/repos/${login}/open?access_token=${alice.token}`, // public: anonymous would read it
      `/api/v3/users/${login}/repos?per_page=1&access_token=${alice.token}`,
      `/api/v3/?%61ccess_token=${alice.token}`, // the name percent-encoded
      `/api/v3/no/such/route?access_token=${alice.token}`,
      `/-/events?access_token=${alice.token}`,
      `/${login}/open.git/info/refs?service=git-upload-pack&access_token=${alice.token}`,
    ];
    for (const path of paths) {
      for (const token of [undefined, alice.token]) {
        const res = await t.api.get(`${o}${path}`, token ? { token } : {});
        const label = `${path.replace(alice.token, '<token>')} ${token ? 'with' : 'without'} an Authorization header`;
        assert.equal(res.status, 400, label);
        assert.equal(res.json?.message, 'Must specify access token via Authorization header', label);
        assert.ok(!res.text.includes(alice.token), label);
      }
    }
    const graphql = await t.api.post(`${o}/api/graphql?access_token=${alice.token}`, { body: { query: '{ viewer { login } }' } });
    assert.equal(graphql.status, 400, graphql.text);
    assert.equal(graphql.json.message, 'Must specify access token via Authorization header');
    // The same requests with the token where it belongs are answered.
    assert.equal((await t.api.get('/user', { token: alice.token })).status, 200);
    assert.equal((await t.api.post(`${o}/api/graphql`, { token: alice.token, body: { query: '{ viewer { login } }' } })).json.data.viewer.login, login);
    assert.ok(!t.logs.some((l) => l.message.includes(alice.token)), 'no log line holds the token');
  });
});
