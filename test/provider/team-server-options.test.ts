// Options of a team server: `--repos DIR`, one folder of bare repositories that replicas share
// (pushed at one replica, cloned from the other), and `--trust-proxy`, which alone makes the
// client address (audit log, lockout) come from X-Forwarded-For; a database URL pg cannot read
// is refused by the command line.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { git, hermeticGitEnv, runGit } from '../../bench/git-https/git-client';
import { main, parseServeArgs } from '../../src/provider/cli';
import { repositoryPath } from '../../src/provider/git/bare-repos';
import { createUser } from '../builders/users';
import { newSession } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { createRepo } from '../builders/repos';
import { ApiClient } from '../builders/api-client';
import { memoryKeySource } from './helpers/postgres-stores';
import { startTestProvider, TestProvider } from './helpers/provider';
import { runCli, waitFor } from './helpers/cli-run';
import { newTestDatabaseUrl, unixSocketUrls } from './helpers/test-database';

describe('team server options', function () {
  this.timeout(90_000);
  let tmp: string;
  const open: TestProvider[] = [];
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tessera-team-'));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
    await rm(tmp, { recursive: true, force: true });
  });
  async function start(opts: Parameters<typeof startTestProvider>[0]): Promise<TestProvider> {
    const t = await startTestProvider(opts);
    open.push(t);
    return t;
  }

  it('--repos: two replicas over one database and one repositories folder; pushed at A, cloned from B, deleted at B', async () => {
    const reposDir = path.join(tmp, 'shared-repositories');
    const databaseUrl = await newTestDatabaseUrl();
    const dataKey = memoryKeySource();
    const a = await start({ databaseUrl, dataKey, reposDir });
    const b = await start({ databaseUrl, dataKey, reposDir });
    await createUser(a);
    const s = await newSession(a);
    await createRepo(a, s, undefined, 'shared', true);
    const bare = repositoryPath(reposDir, s.user.login, 'shared');
    assert.ok(existsSync(bare), 'the bare repository is in --repos');
    assert.ok(!existsSync(path.join(a.dataDir, 'repositories')), 'not in the data folder');
    const tok = await createClassicToken(b, s, { scopes: ['repo'] });
    await mkdir(path.join(tmp, 'home'));
    const env = hermeticGitEnv(path.join(tmp, 'home'), undefined);
    const remote = (t: TestProvider) => t.provider.url.replace('http://', `http://git:${tok.token}@`) + `/${s.user.login}/shared.git`;
    const work = path.join(tmp, 'work');
    assert.equal((await runGit(['clone', remote(a), work], { env })).code, 0);
    await git(['commit', '-q', '--allow-empty', '-m', 'from A'], { cwd: work, env });
    const pushed = await runGit(['push', 'origin', 'HEAD:main'], { cwd: work, env });
    assert.equal(pushed.code, 0, pushed.stderr);
    const copy = path.join(tmp, 'copy');
    const cloned = await runGit(['clone', remote(b), copy], { env });
    assert.equal(cloned.code, 0, cloned.stderr);
    assert.equal((await git(['log', '-1', '--format=%s', 'origin/main'], { cwd: copy, env })).trim(), 'from A');
    assert.equal((await b.api.delete(`/repos/${s.user.login}/shared`, { token: s.token })).status, 204);
    assert.ok(!existsSync(bare), 'deleted at B: gone from the shared folder');
  });

  describe('--trust-proxy', () => {
    async function failedSignInAddress(t: TestProvider): Promise<string> {
      const user = await createUser(t);
      const bad = await t.api.get('/user', { basic: { login: user.login, password: 'wrong-password' }, headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.4' } });
      assert.equal(bad.status, 401);
      const log = await t.api.get('/user/audit-log?phrase=action:user.failed_login', { basic: user });
      assert.equal(log.status, 200, log.text);
      assert.equal(log.json.length, 1, log.text);
      return log.json[0].actor_ip;
    }

    it('without it, X-Forwarded-For is ignored: the audit log has the connection’s address', async () => {
      assert.equal(await failedSignInAddress(await start({})), '127.0.0.1');
    });

    it('with the proxy trusted, the client address is the last untrusted one in X-Forwarded-For', async () => {
      assert.equal(await failedSignInAddress(await start({ trustProxy: ['loopback'] })), '198.51.100.4');
      assert.equal(await failedSignInAddress(await start({ trustProxy: ['127.0.0.1', '198.51.100.0/24'] })), '203.0.113.9');
    });

    it('a proxy list that does not include the peer leaves the header ignored', async () => {
      assert.equal(await failedSignInAddress(await start({ trustProxy: ['10.0.0.1'] })), '127.0.0.1');
    });

    it('tessera serve parses --repos and --trust-proxy, and refuses what is not an address', () => {
      const opts = parseServeArgs(['serve', '--data', 'd', '--repos', 'r', '--trust-proxy', 'loopback,10.0.0.0/8', '--trust-proxy', '::1'], '/srv', {});
      assert.equal(opts.reposDir, '/srv/r');
      assert.deepEqual(opts.trustProxy, ['loopback', '10.0.0.0/8', '::1']);
      assert.equal(parseServeArgs(['serve', '--data', 'd'], '/srv', {}).trustProxy, undefined);
      for (const bad of ['proxy.example', '10.0.0.0/33', '1.2.3.4/8/1', '']) {
        assert.throws(() => parseServeArgs(['serve', '--data', 'd', '--trust-proxy', bad], '/srv', {}), /--trust-proxy/);
      }
    });
  });

  it('a database URL naming a unix socket (the folder as host= or percent-encoded as the host) is served from and named by its socket, never showing its password', async () => {
    const url = await newTestDatabaseUrl();
    const { socket, hostParameter, encodedHost } = await unixSocketUrls(url, 'pw-s3cret');
    const database = new URL(url).pathname.slice(1);
    for (const [i, socketUrl] of [hostParameter, encodedHost].entries()) {
      const served = runCli(['serve', '--data', path.join(tmp, 'data'), '--port', '0', '--tls', 'off'], { TESSERA_DATABASE_URL: socketUrl });
      try {
        const [, origin] = await waitFor(served, /listening on (http:\/\/\S+)/);
        const api = new ApiClient(origin);
        try {
          assert.equal((await api.post('/users', { body: { login: `socket-${i}`, email: `socket-${i}@x.test`, password: 'pw-long-enough-1' } })).status, 201);
        } finally {
          await api.close();
        }
        assert.ok(served.stderr.includes(`database: PostgreSQL at the unix socket ${socket}, database ${database}`), served.stderr);
      } finally {
        served.child.kill('SIGTERM');
      }
      assert.equal(await served.exit, 0, served.stderr);
      assert.doesNotMatch(served.stdout + served.stderr, /s3cret|unparsable/);
    }
    // A socket folder nobody listens in: the refusal names the socket.
    const nowhere = path.join(tmp, 'no-server');
    const refused = runCli(['serve', '--data', path.join(tmp, 'data-nowhere'), '--port', '0', '--tls', 'off', '--db', `postgres://tessera:pw-s3cret@/team?host=${nowhere}`]);
    assert.equal(await refused.exit, 1, refused.stderr);
    assert.match(refused.stderr, new RegExp(`^tessera: the PostgreSQL database at the unix socket ${nowhere}/\\.s\\.PGSQL\\.5432, database team: connect ENOENT`, 'm'));
    assert.doesNotMatch(refused.stdout + refused.stderr, /s3cret/);
  });

  it('a database URL pg cannot read (malformed, or naming a missing certificate) is refused by the command line (exit 2) naming where it came from, never showing its password', async () => {
    const malformed = 'postgres://tessera:pw-s3cret@[db/tessera';
    const missingCert = `postgres://tessera:pw-s3cret@127.0.0.1:1/tessera?sslmode=require&sslcert=${path.join(tmp, 'missing.pem')}`;
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    const data = path.join(tmp, 'data');
    const runs: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['serve', '--data', data, '--db', malformed], {}, /^tessera: --db cannot be used: Invalid URL$/m],
      [['serve', '--data', data], { TESSERA_DATABASE_URL: malformed }, /^tessera: TESSERA_DATABASE_URL cannot be used: Invalid URL$/m],
      [['serve', '--data', data, '--db', missingCert], {}, /^tessera: --db cannot be used: ENOENT: .*missing\.pem'$/m],
      [['migrate', '--from', tmp, '--repos', path.join(tmp, 'r'), '--to', malformed], {}, /^tessera: --to cannot be used: Invalid URL$/m],
      [['reset-two-factor'], { TESSERA_DATABASE_URL: malformed }, /^tessera: TESSERA_DATABASE_URL cannot be used: Invalid URL$/m],
    ];
    const title = process.title; // main masks a password on the command line in the title
    try {
      for (const [argv, env, said] of runs) {
        lines.length = 0;
        assert.equal(await main(argv, io, env), 2, `${argv[0]}: ${lines.join('\n')}`);
        assert.match(lines.join('\n'), said);
        assert.doesNotMatch(lines.join('\n'), /s3cret/);
      }
    } finally {
      process.title = title;
    }
    assert.ok(!existsSync(data), 'nothing was made');
  });
});
