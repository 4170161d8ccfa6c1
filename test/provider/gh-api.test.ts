// GitHub's own command-line client, unchanged (Debian's `gh`), against the real provider over
// HTTPS: `gh api` reads /meta, /rate_limit and a list across several pages (--paginate follows the
// Link headers). gh talks to an enterprise host at https://HOST/api/v3/ with GH_HOST and
// GH_ENTERPRISE_TOKEN, and trusts the provider's local CA through SSL_CERT_FILE.
import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { GHES_API_VERSION } from '../../src/provider/http/ghes-version';
import { createUser, signIn, TestUser } from './helpers/accounts';
import { startTestProvider, TestProvider } from './helpers/provider';

const run = promisify(execFile);
const SYSTEM_PACKAGES = path.resolve(__dirname, '..', '..', '..', 'scripts', 'system-packages.mjs');

/** Installs Debian's gh through the project's own set-up script when it is missing. */
function ensureGh(): void {
  const code = `import(${JSON.stringify(SYSTEM_PACKAGES)}).then((m) => m.ensureSystemPackages(['gh'])).catch((e) => { console.error(e.message); process.exit(3); })`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'], timeout: 300_000 });
  if (r.status !== 0) throw new Error(`could not install gh: ${r.stderr}`);
}

describe('gh api against the provider', function () {
  this.timeout(120_000);
  let t: TestProvider;
  let user: TestUser;
  let token: string;
  let ghConfig: string;

  before(async () => {
    ensureGh();
    t = await startTestProvider({ tls: 'auto' });
    user = await createUser(t);
    token = (await signIn(t, user, ['admin:token', 'user'], 'gh')).token;
    ghConfig = await mkdtemp(path.join(os.tmpdir(), 'tessera-gh-'));
  });
  after(async () => {
    await t?.close();
    if (ghConfig) await rm(ghConfig, { recursive: true, force: true });
  });

  async function gh(...args: string[]): Promise<string> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: ghConfig,
      GH_CONFIG_DIR: ghConfig,
      GH_HOST: new URL(t.provider.url).host,
      GH_ENTERPRISE_TOKEN: token,
      SSL_CERT_FILE: t.provider.caCertPath,
      GH_PROMPT_DISABLED: '1',
      GH_NO_UPDATE_NOTIFIER: '1',
      NO_COLOR: '1',
    };
    try {
      return (await run('gh', args, { env, encoding: 'utf8' })).stdout;
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      throw new Error(`gh ${args.join(' ')} exited ${e.code}: ${e.stderr}${e.stdout}`);
    }
  }

  it('reads /meta', async () => {
    const meta = JSON.parse(await gh('api', '/meta'));
    assert.equal(meta.installed_version, GHES_API_VERSION);
    assert.equal(meta.verifiable_password_authentication, true);
  });

  it('reads /rate_limit, and its headers with --include', async () => {
    const rate = JSON.parse(await gh('api', '/rate_limit'));
    assert.equal(rate.resources.core.limit, 5000);
    assert.equal(rate.rate.resource, 'core');
    const withHeaders = await gh('api', '--include', '/user');
    assert.match(withHeaders, /^X-Ratelimit-Limit: 5000$/im);
    assert.match(withHeaders, /^X-Github-Request-Id: [0-9A-F:]+$/im);
    assert.match(withHeaders, new RegExp(`"login":"${user.login}"`));
  });

  it('follows the Link headers of a list across its pages with --paginate', async () => {
    for (let i = 0; i < 4; i++) await signIn(t, user, ['user'], `page filler ${i}`);
    const all = await t.api.get<{ id: number }[]>('/user/personal-access-tokens?per_page=100', { token });
    assert.equal(all.status, 200, all.text);
    assert.ok(all.json.length >= 5, `at least five tokens: ${all.json.length}`);
    const ids = (await gh('api', '--paginate', '/user/personal-access-tokens?per_page=2', '--jq', '.[].id')).trim().split('\n').map(Number);
    assert.deepEqual(ids, all.json.map((x) => x.id));
  });
});
