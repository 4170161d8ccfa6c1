// Regenerations of one token that overlap: every 200 hands out a secret that works, the others
// get 409. A regeneration replaces the secret the token had when the request arrived, so the test
// makes 20 overlap for certain: it sends the 20 requests' headers, waits until the provider has
// authorized all 20 (they wait for their bodies), then sends the 20 bodies.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { REGENERATION_CONFLICT_MESSAGE } from '../../src/provider/tokens/token-service';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';
import { until } from './helpers/request-holds';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';

interface Answer {
  status: number;
  json: { message?: string; token?: string; token_last_eight?: string };
}

/** A request whose headers go out now and whose body goes out when `send()` is called. */
function heldRequest(url: string, token: string, body: string): { send(): void; answer: Promise<Answer> } {
  const req = http.request(url, {
    method: 'POST',
    agent: false,
    headers: { authorization: `token ${token}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  return { send: () => req.end(body), answer };
}

describe('token regeneration under concurrency', function () {
  this.timeout(60_000);
  let t: InProcessProvider;
  let s: Session;
  /** Regeneration requests that passed authorization and wait for (or read) their body. */
  let waitingForBody = 0;

  before(async () => {
    const countWaiting = (app: FastifyInstance) => {
      app.addHook('preParsing', async (request) => {
        if (request.url.endsWith('/regenerate')) waitingForBody++;
      });
    };
    t = await startInProcessProvider({ routes: [countWaiting] });
    s = await newSession(t);
  });
  after(async () => {
    await t?.close();
  });

  const works = async (secret: string) => (await t.api.get('/user', { token: secret })).status === 200;

  it('20 overlapping regenerations: one 200 whose secret works, 19 × 409 handing out nothing', async () => {
    const tok = await createClassicToken(t, s, { scopes: ['repo'] });
    waitingForBody = 0;
    const url = `${t.provider.apiUrl}/user/personal-access-tokens/${tok.id}/regenerate`;
    const held = Array.from({ length: 20 }, () => heldRequest(url, s.token, '{}'));
    await until(() => waitingForBody === 20);
    for (const h of held) h.send();
    const answers = await Promise.all(held.map((h) => h.answer));

    const won = answers.filter((a) => a.status === 200);
    const lost = answers.filter((a) => a.status !== 200);
    assert.equal(won.length, 1, `statuses: ${answers.map((a) => a.status).join(',')}`);
    for (const a of lost) {
      assert.equal(a.status, 409);
      assert.equal(a.json.message, REGENERATION_CONFLICT_MESSAGE);
      assert.equal(a.json.token, undefined);
    }
    assert.equal(await works(won[0].json.token!), true, "the winner's secret works");
    assert.equal(await works(tok.token), false, 'the old secret is refused');
    const stored = await t.api.get(`/user/personal-access-tokens/${tok.id}`, { token: s.token });
    assert.equal(stored.json.token_last_eight, won[0].json.token_last_eight);
  });

  it('20 parallel regenerations: each answer is 200 or 409 (never a 5xx), and exactly one handed-out secret works', async () => {
    const tok = await createClassicToken(t, s, { scopes: ['repo'] });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: s.token, body: {} })),
    );
    assert.ok(answers.every((a) => a.status === 200 || (a.status === 409 && a.json.message === REGENERATION_CONFLICT_MESSAGE)), answers.map((a) => a.status).join(','));
    const secrets = answers.filter((a) => a.status === 200).map((a) => a.json.token as string);
    assert.ok(secrets.length >= 1);
    const working = [];
    for (const secret of secrets) if (await works(secret)) working.push(secret);
    assert.equal(working.length, 1);
  });

  it('regenerations one after another all succeed, each secret working until the next', async () => {
    const tok = await createClassicToken(t, s, { scopes: ['repo'] });
    let previous = tok.token;
    for (let i = 0; i < 3; i++) {
      const res = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: s.token, body: {} });
      assert.equal(res.status, 200, res.text);
      assert.equal(await works(res.json.token), true);
      assert.equal(await works(previous), false);
      previous = res.json.token;
    }
  });

  it('a token deleted while its regeneration waits for the body: 404, not a 500', async () => {
    const tok = await createClassicToken(t, s, { scopes: ['repo'] });
    waitingForBody = 0;
    const held = heldRequest(`${t.provider.apiUrl}/user/personal-access-tokens/${tok.id}/regenerate`, s.token, '{}');
    await until(() => waitingForBody === 1);
    assert.equal((await t.api.delete(`/user/personal-access-tokens/${tok.id}`, { token: s.token })).status, 204);
    held.send();
    const answer = await held.answer;
    assert.equal(answer.status, 404);
    assert.equal(answer.json.message, 'Not Found');
  });
});
