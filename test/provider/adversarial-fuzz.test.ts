// The standing adversarial suite's fuzzer: schema-aware hostile requests (helpers/hostile-input.ts)
// to every route of a real provider, as a signed-in user whose organization, repositories, tokens,
// deploy key and pending token request are the path parameters, so checks past authorization are
// reached. Every answer: below 500, and an error is JSON with a string `message`; input no route
// may accept is a 4xx. Afterwards the provider is healthy and logged no error. A fixed seed
// (TESSERA_FUZZ_SEED to change it) keeps runs repeatable; fast-check prints it on a failure.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import fc from 'fast-check';
import { createUser } from '../builders/users';
import { newSession, signIn } from '../builders/sessions';
import { createClassicToken, createFineGrainedToken } from '../builders/tokens';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { sshPublicKey } from '../builders/ssh-keys';
import { basicHeader } from '../builders/api-client';
import { appRoutes, HostileRequest, hostileRequest, RouteInfo } from './helpers/hostile-input';
import { startTestProvider, TestProvider } from './helpers/provider';

const SEED = Number(process.env.TESSERA_FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.TESSERA_FUZZ_RUNS ?? 1000);

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

function send(agent: http.Agent, origin: string, r: HostileRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Given as name/value pairs (a name may repeat), Node adds no Host: it goes first.
    const headers = ['host', new URL(origin).host, ...r.headers.flat()];
    if (r.body) headers.push('content-length', String(r.body.length));
    const req = http.request(`${origin}${r.path}`, { method: r.method, headers, agent, timeout: 30_000 }, (res) => {
      // A change stream (GET /-/events) that opened never ends by itself: its head is the answer.
      if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream') && res.statusCode === 200) {
        res.destroy();
        resolve({ status: 200, contentType: String(res.headers['content-type']), text: '' });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in 30 s: ${r.label}`)));
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Why the answer breaks the rules, or undefined. */
function violation(r: HostileRequest, a: Answer): string | undefined {
  if (a.status >= 500) return `${a.status}: ${a.text.slice(0, 300)}`;
  if (r.mustFail && (a.status < 400 || a.status >= 500)) return `accepted (${a.status}) input no route may accept`;
  if (a.status >= 400 && r.method !== 'HEAD') {
    if (!/application\/json/.test(a.contentType)) return `${a.status} with content type '${a.contentType}': ${a.text.slice(0, 200)}`;
    let body: unknown;
    try {
      body = JSON.parse(a.text);
    } catch {
      return `${a.status} whose body is not JSON: ${a.text.slice(0, 200)}`;
    }
    if (typeof (body as { message?: unknown })?.message !== 'string') return `${a.status} without a string message: ${a.text.slice(0, 200)}`;
  }
  return undefined;
}

describe('adversarial fuzzer: hostile input to every route', function () {
  this.timeout(180_000);
  let t: TestProvider;
  let routes: RouteInfo[];
  let real: Record<string, string[]>;
  let authorizations: string[];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

  before(async () => {
    t = await startTestProvider();
    routes = await appRoutes();
    const alice = await newSession(t);
    const bob = await newSession(t);
    const org = await createOrg(t, alice);
    await addMember(t, org, alice, bob);
    await setPolicy(t, org, alice, { require_approval: true });
    const ownRepo = await createRepo(t, alice, undefined, 'fuzz-own', true);
    const orgRepo = await createRepo(t, alice, org, 'fuzz-org', false);
    const victims = await Promise.all([createClassicToken(t, alice, { scopes: ['repo'] }), createClassicToken(t, alice, { scopes: [] })]);
    const fine = await createFineGrainedToken(t, alice, { resource_owner: alice.user.login, permissions: { repository: { contents: 'read' } }, repository_selection: 'all' });
    const pending = await createFineGrainedToken(t, bob, { resource_owner: org, permissions: { repository: { contents: 'read' } }, repository_selection: 'all' });
    const key = await t.api.post(`/repos/${ownRepo.full_name}/keys`, { token: alice.token, body: { title: 'fuzz', key: sshPublicKey() } });
    assert.equal(key.status, 201, key.text);
    const account = await t.api.post(`/orgs/${org}/account-tokens`, { token: alice.token, body: { name: 'fuzz' } });
    assert.equal(account.status, 201, account.text);
    const requests = await t.api.get(`/orgs/${org}/personal-access-token-requests`, { token: alice.token });
    assert.equal(requests.status, 200, requests.text);
    const plain = await createUser(t);
    const plainSignIn = await signIn(t, plain, ['read:user']);
    real = {
      owner: [alice.user.login, org],
      org: [org],
      username: [alice.user.login, bob.user.login],
      repo: [ownRepo.full_name.split('/')[1], `${orgRepo.full_name.split('/')[1]}.git`],
      id: [...victims.map((v) => String(v.id)), String(fine.id), String(account.json.id)],
      key_id: [String(key.json.id)],
      pat_id: [String(fine.id), String(pending.id)],
      pat_request_id: requests.json.map((x: { id: number }) => String(x.id)),
      credential_id: [String(victims[0].id)],
      client_id: ['fuzz-client'],
      fingerprint: ['fuzz-fingerprint'],
    };
    authorizations = [
      `token ${alice.token}`,
      `token ${plainSignIn.token}`,
      `Bearer ${fine.token}`,
      basicHeader('x-access-token', victims[0].token),
      basicHeader(alice.user.login, 'wrong password'),
      'token tsp_000000000000000000000000000000000000',
    ];
  });
  after(async () => {
    agent.destroy();
    await t?.close();
  });

  it('knows every route of the app, git included', () => {
    assert.ok(routes.length > 60, `${routes.length} routes`);
    for (const url of ['/api/v3/users', '/api/v3/user/personal-access-tokens/:id/regenerate', '/:owner/:repo/info/refs', '/:owner/:repo/git-receive-pack']) {
      assert.ok(routes.some((r) => r.url === url), url);
    }
  });

  it('answers every hostile request below 500, errors as JSON with a message, refused input as a 4xx; stays healthy', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(hostileRequest(routes, real, { authorizations }), async (r) => {
        const answer = await send(agent, t.provider.url, r);
        seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
        const problem = violation(r, answer);
        if (problem) throw new Error(`${r.label} → ${r.method} ${r.path.slice(0, 200)}: ${problem}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    const health = await t.api.get('/-/health');
    assert.equal(health.status, 200, health.text);
    assert.deepEqual(
      t.logs.filter((l) => l.level === 'error'),
      [],
      'the provider logged no error',
    );
    // The run reached past authorization: successes and validation failures, not only 401/404.
    assert.ok([...seen.keys()].some((s) => s >= 200 && s < 300), `statuses: ${JSON.stringify([...seen])}`);
    assert.ok(seen.has(422) && seen.has(400), `statuses: ${JSON.stringify([...seen])}`);
  });
});
