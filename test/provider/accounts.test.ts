// Accounts: sign-up (first user is admin), closed sign-up, GET/PATCH /user (what each credential
// sees of the user: email, private profile), scrypt at rest.
import * as assert from 'node:assert/strict';
import { boundedPasswordHasher, DEFAULT_SCRYPT, type PasswordHasher } from '../../src/provider/auth/passwords';
import { selectRows } from './helpers/database-access';
import { createUser, type TestUser } from '../builders/users';
import { createClassicToken, createFineGrainedToken } from '../builders/tokens';
import { uniqueName } from '../builders/unique-name';
import { signIn } from '../builders/sessions';
import { GHES_VERSION, OpenApiDescription } from './helpers/ghes-schema';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('accounts', () => {
  describe('open sign-up', () => {
    let t: TestProvider;
    before(async () => {
      // Production's password hasher: a test below reads the stored hash's parameters.
      t = await startTestProvider({ signup: 'open', passwords: boundedPasswordHasher() });
    });
    after(async () => t.close());

    it('makes the first user the admin and later ones normal users', async () => {
      const first = await createUser(t);
      const second = await createUser(t);
      assert.equal(first.siteAdmin, true);
      assert.equal(second.siteAdmin, false);
    });

    it('answers 201 with the user object and a Location', async () => {
      const login = uniqueName('loc');
      const res = await t.api.post('/users', { body: { login, email: `${login}@example.test`, password: 'a long enough password', name: 'Ada' } });
      assert.equal(res.status, 201);
      assert.equal(res.json.login, login);
      assert.equal(res.json.name, 'Ada');
      assert.equal(res.json.two_factor_authentication, false);
      assert.equal(res.json.password, undefined);
      assert.equal(res.headers.get('location'), `${t.provider.apiUrl}/users/${login}`);
    });

    it('refuses a taken login or email (case-insensitively) with 422 already_exists naming the field', async () => {
      const u = await createUser(t);
      const dupLogin = await t.api.post('/users', { body: { login: u.login.toUpperCase(), email: `other-${u.email}`, password: 'password123' } });
      assert.equal(dupLogin.status, 422);
      assert.deepEqual(dupLogin.json.errors, [{ resource: 'User', field: 'login', code: 'already_exists', message: 'is already taken' }]);
      const dupEmail = await t.api.post('/users', { body: { login: uniqueName(), email: u.email.toUpperCase(), password: 'password123' } });
      assert.equal(dupEmail.status, 422);
      assert.equal(dupEmail.json.errors[0].field, 'email');
    });

    it('validates login, email and password, naming the field', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ login: '-bad', email: 'a@b.co', password: 'password123' }, 'login'],
        [{ login: 'a'.repeat(40), email: 'a@b.co', password: 'password123' }, 'login'],
        [{ login: uniqueName(), email: 'not-an-email', password: 'password123' }, 'email'],
        [{ login: uniqueName(), email: 'a@b.co', password: 'short' }, 'password'],
        [{ login: uniqueName(), email: 'a@b.co' }, 'password'],
        [{ login: uniqueName(), email: 'a@b.co', password: 'x'.repeat(1025) }, 'password'],
      ];
      for (const [body, field] of cases) {
        const res = await t.api.post('/users', { body });
        assert.equal(res.status, 422, JSON.stringify(body));
        assert.ok(res.json.errors.some((e: { field: string }) => e.field === field), `${field} named in ${res.text}`);
        assert.match(res.json.message, new RegExp(field));
      }
    });

    it("refuses a password starting with a token prefix (Basic would take it for a token: it could never sign in)", async () => {
      for (const password of ['tsp_my-password', 'tsf_0123456789', 'tsa_secret-words']) {
        const login = uniqueName('tp');
        const res = await t.api.post('/users', { body: { login, email: `${login}@example.test`, password } });
        assert.equal(res.status, 422, `${password}: ${res.text}`);
        assert.deepEqual(res.json.errors, [{ field: 'password', code: 'invalid', message: "must not start with 'tsp_', 'tsf_' or 'tsa_' (those mark tokens)" }]);
      }
      // Only the exact prefixes Basic routes to token authentication: these sign up and sign in.
      for (const password of ['TSP_upper-case', 'tsp-dash-instead', 'my tsp_ password']) {
        const user = await createUser(t, { password });
        assert.equal((await t.api.get('/user', { basic: { login: user.login, password } })).status, 200, password);
      }
    });

    it('stores the password with scrypt (N >= 2^15) and its parameters, never in clear', async () => {
      const u = await createUser(t);
      const [row] = (await selectRows(t, 'SELECT password_hash FROM users WHERE id = ?', [u.id])) as { password_hash: string }[];
      const [alg, N, r, p, salt, hash] = row.password_hash.split('$');
      assert.equal(alg, 'scrypt');
      assert.ok(Number(N) >= 2 ** 15, `N=${N}`);
      assert.ok(Number(r) >= 8 && Number(p) >= 3, `r=${r} p=${p}`);
      assert.ok(salt.length >= 16 && hash.length >= 32);
      assert.ok(!row.password_hash.includes(u.password));
    });

    it('GET /user answers the caller; PATCH /user changes name and email (needs the user scope)', async () => {
      const u = await createUser(t);
      const a = await signIn(t, u, ['user']);
      const me = await t.api.get('/user', { token: a.token });
      assert.equal(me.status, 200);
      assert.equal(me.json.login, u.login);
      assert.equal(me.json.id, u.id);
      const patched = await t.api.patch('/user', { token: a.token, body: { name: 'New Name', email: `new-${u.email}` } });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.json.name, 'New Name');
      assert.equal(patched.json.email, `new-${u.email}`);

      const readOnly = await signIn(t, u, ['read:user']);
      const denied = await t.api.patch('/user', { token: readOnly.token, body: { name: 'x' } });
      assert.equal(denied.status, 403);
      assert.match(denied.json.message, /user/);
      assert.equal(denied.headers.get('x-accepted-oauth-scopes'), 'user');
      assert.equal(denied.headers.get('x-oauth-scopes'), 'read:user');
    });

    it('GET /user without credentials is 401', async () => {
      const res = await t.api.get('/user');
      assert.equal(res.status, 401);
      assert.equal(res.json.message, 'Requires authentication');
    });
  });

  describe('GET /user: the email address and the private profile', () => {
    let t: TestProvider;
    before(async () => {
      t = await startTestProvider();
    });
    after(async () => t.close());

    it('only to credentials that may read it: the password, classic user:email (or user), fine-grained email_addresses: read', async () => {
      const u = await createUser(t);
      const emailOf = async (opts: { token: string } | { basic: TestUser }) => (await t.api.get('/user', opts)).json.email as string | null;
      assert.equal(await emailOf({ basic: u }), u.email);
      for (const [scopes, shown] of [[[], false], [['read:user'], false], [['user:email'], true], [['user'], true]] as const) {
        const { token } = await createClassicToken(t, u, { scopes: [...scopes] });
        assert.equal(await emailOf({ token }), shown ? u.email : null, `classic ${scopes.join(',') || 'no scope'}`);
      }
      const without = await createFineGrainedToken(t, u, { resource_owner: u.login, repository_selection: 'none', permissions: {} });
      assert.equal(await emailOf({ token: without.token }), null);
      const withEmail = await createFineGrainedToken(t, u, { resource_owner: u.login, repository_selection: 'none', permissions: { account: { email_addresses: 'read' } } });
      assert.equal(await emailOf({ token: withEmail.token }), u.email);
    });

    it('the private profile only to credentials that may read it: the password, classic read:user (or user), fine-grained profile: read; the public-user shape otherwise, valid against GitHub\'s description', async () => {
      const ghes = new OpenApiDescription(`ghes-${GHES_VERSION}`);
      const u = await createUser(t);
      const privateKeys = ['private_gists', 'total_private_repos', 'owned_private_repos', 'disk_usage', 'collaborators', 'two_factor_authentication'];
      const check = async (opts: { token: string } | { basic: TestUser }, shown: boolean, what: string) => {
        const me = await t.api.get('/user', opts);
        assert.equal(me.status, 200, `${what}: ${me.text}`);
        assert.equal(me.json.login, u.login, what);
        assert.equal(me.json.user_view_type, shown ? 'private' : 'public', what);
        for (const key of privateKeys) assert.equal(key in me.json, shown, `${what}: ${key}`);
        if (shown) assert.equal(me.json.two_factor_authentication, false, what);
        assert.deepEqual(ghes.check('GET', '/user', 200, me.json), [], what);
      };
      await check({ basic: u }, true, 'password');
      for (const [scopes, shown] of [[[], false], [['repo'], false], [['user:email'], false], [['read:org', 'admin:token'], false], [['read:user'], true], [['user'], true]] as const) {
        const { token } = await createClassicToken(t, u, { scopes: [...scopes] });
        await check({ token }, shown, `classic ${scopes.join(',') || 'no scope'}`);
      }
      const fineGrained = async (account: Record<string, 'read' | 'write'>) =>
        (await createFineGrainedToken(t, u, { resource_owner: u.login, repository_selection: 'all', permissions: { repository: { contents: 'write' }, account } })).token;
      await check({ token: await fineGrained({}) }, false, 'fine-grained without account permissions');
      await check({ token: await fineGrained({ email_addresses: 'read' }) }, false, 'fine-grained email_addresses: read');
      await check({ token: await fineGrained({ profile: 'read' }) }, true, 'fine-grained profile: read');
      await check({ token: await fineGrained({ profile: 'write' }) }, true, 'fine-grained profile: write');
    });

    it("PATCH /user answers the view GET /user gives the same credentials (fine-grained profile: write without email_addresses: the email is null)", async () => {
      const u = await createUser(t);
      const token = (await createFineGrainedToken(t, u, { resource_owner: u.login, repository_selection: 'none', permissions: { account: { profile: 'write' } } })).token;
      const patched = await t.api.patch('/user', { token, body: { bio: 'hello' } });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.json.bio, 'hello');
      assert.equal(patched.json.user_view_type, 'private');
      assert.equal(patched.json.two_factor_authentication, false);
      assert.equal(patched.json.email, null);
      const classic = (await createClassicToken(t, u, { scopes: ['user'] })).token;
      const again = await t.api.patch('/user', { token: classic, body: { bio: 'again' } });
      assert.equal(again.json.email, u.email);
      assert.equal(again.json.user_view_type, 'private');
    });
  });

  describe('closed sign-up', () => {
    let t: TestProvider;
    let admin: TestUser;
    before(async () => {
      t = await startTestProvider({ signup: 'closed' });
      admin = await createUser(t);
    });
    after(async () => t.close());

    it('still lets the first user in (as admin), then only an admin creates users', async () => {
      assert.equal(admin.siteAdmin, true);
      const login = uniqueName();
      const anon = await t.api.post('/users', { body: { login, email: `${login}@example.test`, password: 'password123' } });
      assert.equal(anon.status, 403);
      assert.match(anon.json.message, /[Ss]ign-up is closed/);

      const byAdmin = await t.api.post('/users', {
        basic: { login: admin.login, password: admin.password },
        body: { login, email: `${login}@example.test`, password: 'password123' },
      });
      assert.equal(byAdmin.status, 201, byAdmin.text);
      assert.equal(byAdmin.json.site_admin, false);

      const user = { id: byAdmin.json.id, login, email: `${login}@example.test`, password: 'password123', siteAdmin: false };
      const login2 = uniqueName();
      const byUser = await t.api.post('/users', { basic: user, body: { login: login2, email: `${login2}@example.test`, password: 'password123' } });
      assert.equal(byUser.status, 403);
    });

    it('several sign-ups at once on a new provider: only the first gets an account (the admin), the others are refused', async () => {
      const fresh = await startTestProvider({ signup: 'closed' });
      try {
        const answers = await Promise.all(
          Array.from({ length: 6 }, () => {
            const login = uniqueName();
            return fresh.api.post('/users', { body: { login, email: `${login}@example.test`, password: 'password123' } });
          }),
        );
        const made = answers.filter((a) => a.status === 201);
        assert.deepEqual(made.map((a) => a.json.site_admin), [true], answers.map((a) => `${a.status} ${a.text}`).join('\n'));
        for (const a of answers.filter((x) => x.status !== 201)) {
          assert.equal(a.status, 403, a.text);
          assert.match(a.json.message, /[Ss]ign-up is closed/);
        }
      } finally {
        await fresh.close();
      }
    });

    it("an administrator's token makes accounts only as a classic token with site_admin: an app's identity-only token or a fine-grained token does not", async () => {
      const account = () => {
        const login = uniqueName();
        return { login, email: `${login}@example.test`, password: 'password123' };
      };
      const noScope = await createClassicToken(t, admin, { scopes: [] });
      const refused = await t.api.post('/users', { token: noScope.token, body: account() });
      assert.equal(refused.status, 403, refused.text);
      assert.match(refused.json.message, /site_admin/);
      const fineGrained = await createFineGrainedToken(t, admin, { resource_owner: admin.login, repository_selection: 'none', permissions: {} });
      assert.equal((await t.api.post('/users', { token: fineGrained.token, body: account() })).status, 403);
      const siteAdmin = await createClassicToken(t, admin, { scopes: ['site_admin'] });
      const body = account();
      const made = await t.api.post('/users', { token: siteAdmin.token, body });
      assert.equal(made.status, 201, made.text);
      // The scope gives nothing to a token of someone who is not an administrator.
      const otherToken = await createClassicToken(t, { ...body, id: made.json.id, siteAdmin: false }, { scopes: ['site_admin'] });
      assert.equal((await t.api.post('/users', { token: otherToken.token, body: account() })).status, 403);
    });
  });

  describe('a password stored with weaker parameters (an older version)', () => {
    // Cheap scrypt, as other tests use, raised in p the way DEFAULT_SCRYPT was raised.
    const older = boundedPasswordHasher({ params: { ...DEFAULT_SCRYPT, N: 2 ** 10, p: 1 } });
    const current = boundedPasswordHasher({ params: { ...DEFAULT_SCRYPT, N: 2 ** 10, p: 3 } });
    let hasher = older;
    const switching: PasswordHasher = {
      hash: (password) => hasher.hash(password),
      verify: (password, stored) => hasher.verify(password, stored),
      verifyUnknown: (password) => hasher.verifyUnknown(password),
      needsRehash: (stored) => hasher.needsRehash(stored),
    };
    let t: TestProvider;
    before(async () => {
      t = await startTestProvider({ signup: 'open', passwords: switching });
    });
    after(async () => t.close());
    const storedHash = async (id: number) =>
      ((await selectRows(t, 'SELECT password_hash, updated_at FROM users WHERE id = ?', [id])) as { password_hash: string; updated_at: unknown }[])[0];
    const paramsOf = (stored: string) => stored.split('$').slice(1, 4).map(Number);

    it('is stored again at the current parameters when it signs in, and still signs in', async () => {
      hasher = older;
      const u = await createUser(t);
      const before = await storedHash(u.id);
      assert.deepEqual(paramsOf(before.password_hash), [2 ** 10, 8, 1]);
      hasher = current;
      const wrong = await t.api.get('/user', { basic: { login: u.login, password: `${u.password}x` } });
      assert.equal(wrong.status, 401);
      assert.equal((await storedHash(u.id)).password_hash, before.password_hash, 'a wrong password changes nothing');
      const right = await t.api.get('/user', { basic: u });
      assert.equal(right.status, 200);
      const after = await storedHash(u.id);
      assert.deepEqual(paramsOf(after.password_hash), [2 ** 10, 8, 3]);
      assert.notEqual(after.password_hash, before.password_hash);
      assert.deepEqual(after.updated_at, before.updated_at, "the account's updated_at is left alone");
      const again = await t.api.get('/user', { basic: u });
      assert.equal(again.status, 200);
      assert.equal((await storedHash(u.id)).password_hash, after.password_hash, 'hashed once');
      assert.ok(!t.logs.some((l) => l.message.includes(u.password)));
    });
  });
});
