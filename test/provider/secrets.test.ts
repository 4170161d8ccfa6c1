// No secret in the audit log, the server log or the database: tokens only as SHA-256 digests,
// passwords as scrypt hashes, recovery codes as digests, TOTP secrets encrypted; Authorization
// values and token-shaped strings redacted from every log line, also when a handler fails.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildApp } from '../../src/provider/app';
import { createProviderContext } from '../../src/provider/create-context';
import { openSqliteStore } from '../../src/provider/store/sqlite/sqlite-store';
import { generateToken } from '../../src/shared/token-format';
import { basicHeader } from '../builders/api-client';
import { createUser } from '../builders/users';
import { freshOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { signIn } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { selectRows } from './helpers/database-access';
import { startTestProvider } from './helpers/provider';

describe('secrets stay secret', () => {
  it('after a full session, neither the audit log, the server log nor the database holds a secret', async () => {
    const t = await startTestProvider();
    try {
      const user = await createUser(t);
      const session = await signIn(t, user);
      const { secret, recoveryCodes } = await enableTwoFactor(t, user, session.token);
      const pat = await createClassicToken(t, user, { scopes: ['repo'] });
      const regen = await t.api.post(`/user/personal-access-tokens/${pat.id}/regenerate`, { token: session.token });
      await t.api.get('/user', { basic: { login: user.login, password: 'wrong-password-123' } });
      await t.api.get('/user', { basic: user, otp: recoveryCodes[0] });
      await t.api.post('/user/sudo', { token: session.token, body: { password: user.password, otp: await freshOtp(t, user) } });
      await t.api.post('/credentials/revoke', { body: { credentials: [regen.json.token] } });
      const secrets = [session.token, pat.token, regen.json.token, user.password, 'wrong-password-123', secret, ...recoveryCodes];

      const audit = await t.api.get('/user/audit-log?per_page=100', { basic: user, otp: await freshOtp(t, user) });
      assert.ok(audit.json.length >= 8, `events: ${audit.json.length}`);
      const actions = new Set(audit.json.map((e: { action: string }) => e.action));
      for (const a of ['user.create', 'user.login', 'user.failed_login', 'oauth_authorization.create', 'two_factor_authentication.enabled',
        'personal_access_token.create', 'personal_access_token.credential_regenerated', 'personal_access_token.credential_revoked', 'user.sudo']) {
        assert.ok(actions.has(a), `audit has ${a}`);
      }
      const logText = t.logs.map((l) => l.message).join('\n');
      const tables = ['users', 'tokens', 'two_factor', 'recovery_codes', 'audit_events', 'sign_in_failures'];
      const dbText = (await Promise.all(tables.map(async (table) => JSON.stringify(await selectRows(t, `SELECT * FROM ${table}`))))).join('\n');
      for (const s of secrets) {
        assert.ok(!audit.text.includes(s), 'secret in the audit log');
        assert.ok(!logText.includes(s), 'secret in the server log');
      }
      for (const s of [session.token, pat.token, regen.json.token, user.password, 'wrong-password-123', secret, ...recoveryCodes]) {
        assert.ok(!dbText.includes(s), 'secret in the database');
      }
      assert.ok(!/ts[pfa]_[0-9A-Za-z]{36}/.test(dbText), 'no token-shaped string in the database');
    } finally {
      await t.close();
    }
  });

  it('an unexpected failure answers a generic 500 and logs it with Authorization and tokens redacted', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-redact-'));
    const store = await openSqliteStore(dataDir);
    const logs: string[] = [];
    const ctx = createProviderContext(store, { log: (_level, message) => logs.push(message) });
    const leaked = generateToken('classic');
    const app = buildApp(ctx, {
      routes: [
        (a) =>
          a.get('/boom', { config: { auth: { anonymous: true } } }, async (request) => {
            throw new Error(`handler bug with ${leaked} and authorization: ${String(request.headers['x-echo'])}`);
          }),
      ],
    });
    try {
      // Listening, so the Host it serves (127.0.0.1 and its port) is known.
      await app.listen({ port: 0, host: '127.0.0.1' });
      const host = `127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const auth = basicHeader('someone', 'hunter2-password');
      const res = await app.inject({ method: 'GET', url: '/boom', headers: { host, 'x-echo': auth } });
      assert.equal(res.statusCode, 500);
      assert.deepEqual(res.json(), { message: 'Internal server error', documentation_url: '/-/docs/errors#500' });
      assert.ok(!res.body.includes(leaked));
      const res2 = await app.inject({ method: 'GET', url: '/boom', headers: { host, authorization: `token ${leaked}` } });
      assert.equal(res2.statusCode, 401, 'a bad token is refused before the handler');
      // One line with the bug's details, besides each request's own line.
      const bug = logs.filter((l) => l.includes('handler bug'));
      assert.equal(bug.length, 1, logs.join('\n'));
      assert.equal(logs.length, 3, logs.join('\n'));
      assert.equal(logs.filter((l) => /^GET \/boom (500|401) \(request [0-9A-F:]+\)$/.test(l)).length, 2, logs.join('\n'));
      assert.ok(!logs.join('\n').includes(leaked), logs.join('\n'));
      assert.match(bug[0], /\[redacted\]/);
      assert.ok(!logs.join('\n').includes(auth.split(' ')[1]), 'Basic credentials redacted');
    } finally {
      await app.close();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
