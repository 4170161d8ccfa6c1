// Generated avatars: every avatar_url the provider hands out (users, organizations, repository
// owners, members, requesters) answers an SVG identicon, anonymously, the same one each time and a
// different one per account; a malformed id is a 422 naming it.
import * as assert from 'node:assert/strict';
import { newSession, type Session } from '../builders/sessions';
import { addMember, createOrg } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('generated avatars', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let alice: Session;
  let bob: Session;
  let org: string;

  before(async () => {
    t = await startTestProvider();
    alice = await newSession(t);
    bob = await newSession(t);
    org = await createOrg(t, alice);
    await addMember(t, org, alice, bob);
  });
  after(async () => t.close());

  async function image(url: string) {
    const res = await t.api.get(url);
    assert.equal(res.status, 200, `${url}: ${res.text}`);
    assert.equal(res.headers.get('content-type'), 'image/svg+xml');
    assert.equal(res.headers.get('content-security-policy'), "default-src 'none'");
    assert.match(res.text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>.*<\/svg>$/s);
    return res.text;
  }

  it("every account's avatar_url is an SVG the provider serves without credentials", async () => {
    const me = (await t.api.get('/user', { token: alice.token })).json;
    assert.equal(me.avatar_url, `${t.provider.url}/avatars/u/${me.id}`);
    const orgJson = (await t.api.get(`/orgs/${org}`, { token: alice.token })).json;
    assert.equal(orgJson.avatar_url, `${t.provider.url}/avatars/o/${orgJson.id}`);
    await createRepo(t, alice, org, 'site', false);
    const repo = (await t.api.get(`/repos/${org}/site`, { token: bob.token })).json;
    assert.equal(repo.owner.avatar_url, orgJson.avatar_url);
    const members = (await t.api.get(`/orgs/${org}/members`, { token: bob.token })).json;
    const urls = [me.avatar_url, orgJson.avatar_url, ...members.map((m: { avatar_url: string }) => m.avatar_url)];
    for (const url of urls) await image(url);
  });

  it('is the same picture every time, and a different one per account and kind', async () => {
    const me = (await t.api.get('/user', { token: alice.token })).json;
    const other = (await t.api.get('/user', { token: bob.token })).json;
    const mine = await image(me.avatar_url);
    assert.equal(await image(me.avatar_url), mine);
    assert.notEqual(await image(other.avatar_url), mine);
    assert.notEqual(await image(`${t.provider.url}/avatars/o/${me.id}`), mine, 'a user and an org with the same id differ');
  });

  it("GraphQL's avatarUrl is REST's avatar_url; avatarUrl(size:) adds GitHub's ?s=, and the picture is drawn that many pixels wide", async () => {
    const me = (await t.api.get('/user', { token: alice.token })).json;
    const orgJson = (await t.api.get(`/orgs/${org}`, { token: alice.token })).json;
    const query = `{ viewer { avatarUrl small: avatarUrl(size: 40) } organization(login: "${org}") { avatarUrl big: avatarUrl(size: 460) }
      repositoryOwner(login: "${org}") { avatarUrl(size: 20) } tiny: viewer { avatarUrl(size: 0) } huge: viewer { avatarUrl(size: 100000) } }`;
    const res = await t.api.post(`${t.provider.url}/api/graphql`, { token: alice.token, body: { query } });
    assert.equal(res.json.errors, undefined, res.text);
    assert.deepEqual(res.json.data, {
      viewer: { avatarUrl: me.avatar_url, small: `${me.avatar_url}?s=40` },
      organization: { avatarUrl: orgJson.avatar_url, big: `${orgJson.avatar_url}?s=460` },
      repositoryOwner: { avatarUrl: `${orgJson.avatar_url}?s=20` },
      tiny: { avatarUrl: `${me.avatar_url}?s=1` },
      huge: { avatarUrl: `${me.avatar_url}?s=4096` },
    });
    assert.match(await image(`${me.avatar_url}?s=40`), /^<svg [^>]*width="40" height="40"/);
    assert.match(await image(`${orgJson.avatar_url}?s=460&v=4`), /^<svg [^>]*width="460" height="460"/);
    assert.equal(await image(`${me.avatar_url}?s=40`), (await image(me.avatar_url)).replace(/width="\d+" height="\d+"/, 'width="40" height="40"'), 'the same picture, sized');
    for (const s of ['0', 'big', '99999']) {
      const bad = await t.api.get(`${me.avatar_url}?s=${s}`);
      assert.deepEqual([bad.status, bad.json.errors?.[0]?.field], [422, 's'], `s=${s}: ${bad.text}`);
    }
  });

  it('a malformed id is a 422 naming it; other paths under /avatars are 404', async () => {
    for (const id of ['0', 'abc', '1x', '12345678901234567']) {
      const res = await t.api.get(`${t.provider.url}/avatars/u/${id}`);
      assert.equal(res.status, 422, id);
      assert.deepEqual(res.json.errors.map((e: { field: string }) => e.field), ['id'], res.text);
    }
    assert.equal((await t.api.get(`${t.provider.url}/avatars/x/1`)).status, 404);
  });
});
