// The git test fixture: the real provider over HTTPS with its local CA and the git routes (its
// store per TESSERA_TEST_DB, helpers/test-database.ts), on a movable clock; two users; git with a hermetic environment trusting that CA; and the helpers the
// git tests share (repositories through the API, fine-grained tokens, clone, commit and push).
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { git, hermeticGitEnv, runGit } from '../../../bench/git-https/git-client';
import { startProviderWithGit } from '../../../bench/git-https/provider-with-git';
import { ManualClock } from '../../../src/provider/clock';
import { defaultRepositoriesRoot, repositoryPath } from '../../../src/provider/git/bare-repos';
import { ApiClient } from '../../builders/api-client';
import { createRepo } from '../../builders/repos';
import { createUser, type TestUser } from '../../builders/users';
import { dropTestDatabase, testDatabaseUrl } from './test-database';

export interface GitProvider {
  url: string;
  api: ApiClient;
  clock: ManualClock;
  caCertPath: string;
  dataDir: string;
  /** The PostgreSQL database it runs on (undefined: SQLite in dataDir). */
  databaseUrl?: string;
  close(): Promise<void>;
}

/** The real provider over HTTPS with its local CA and the git routes, on a movable clock. */
async function startGitProvider(dataDir: string): Promise<GitProvider> {
  const clock = new ManualClock(Date.now());
  const databaseUrl = await testDatabaseUrl();
  const provider = await startProviderWithGit({ dataDir, clock, databaseUrl });
  const api = new ApiClient(provider.url, provider.caCertPem);
  const close = async () => {
    await api.close();
    await provider.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  };
  return { url: provider.url, api, clock, caCertPath: provider.caCertPath, dataDir, databaseUrl, close };
}

interface GitFixture {
  tmp: string;
  p: GitProvider;
  env: NodeJS.ProcessEnv;
  alice: TestUser;
  bob: TestUser;
  createRepo(owner: TestUser, name: string, isPrivate: boolean, org?: string): Promise<void>;
  fineGrained(owner: TestUser, body: Record<string, unknown>): Promise<{ token: string; id: number }>;
  url(token: string | undefined, repo: string, user?: string): string;
  cloneTo(token: string | undefined, repo: string): Promise<{ code: number | null; stdout: string; stderr: string; dir: string }>;
  commitAndPush(dir: string, message: string): ReturnType<typeof runGit>;
  serverHead(owner: string, repo: string): Promise<string>;
}

/** Registers mocha hooks that start (before) and stop (after) the fixture; its fields are set once `before` ran. */
export function useGitFixture(tmpPrefix: string): GitFixture {
  const f = {} as GitFixture;
  let seq = 0;
  before(async () => {
    f.tmp = await fsp.mkdtemp(path.join(os.tmpdir(), tmpPrefix));
    f.p = await startGitProvider(path.join(f.tmp, 'data'));
    await fsp.mkdir(path.join(f.tmp, 'home'));
    f.env = hermeticGitEnv(path.join(f.tmp, 'home'), f.p.caCertPath);
    f.alice = await createUser(f.p, { login: 'alice' });
    f.bob = await createUser(f.p, { login: 'bob' });
  });
  after(async () => {
    await f.p?.close();
    if (f.tmp) await fsp.rm(f.tmp, { recursive: true, force: true });
  });

  /** A repository through the API (a real bare repository behind it). */
  f.createRepo = async (owner, name, isPrivate, org) => {
    await createRepo(f.p, owner, org, name, isPrivate);
  };
  f.fineGrained = async (owner, body) => {
    const res = await f.p.api.post('/user/personal-access-tokens', {
      basic: { login: owner.login, password: owner.password },
      body: {
        kind: 'fine_grained',
        resource_owner: owner.login,
        expires_at: new Date(f.p.clock.now().getTime() + 30 * 86_400_000).toISOString(),
        ...body,
      },
    });
    assert.equal(res.status, 201, res.text);
    return { token: res.json.token, id: res.json.id };
  };
  f.url = (token, repo, user = 'git') =>
    token === undefined ? `${f.p.url}/${repo}.git` : f.p.url.replace('https://', `https://${user}:${token}@`) + `/${repo}.git`;
  f.cloneTo = async (token, repo) => {
    const dir = path.join(f.tmp, `clone-${++seq}`);
    const r = await runGit(['clone', f.url(token, repo), dir], { env: f.env });
    return { ...r, dir };
  };
  f.commitAndPush = async (dir, message) => {
    await fsp.writeFile(path.join(dir, `file-${++seq}.txt`), `${message}\n`);
    await git(['add', '-A'], { cwd: dir, env: f.env });
    await git(['commit', '-q', '-m', message], { cwd: dir, env: f.env });
    return runGit(['push', 'origin', 'HEAD:main'], { cwd: dir, env: f.env });
  };
  f.serverHead = async (owner, repo) =>
    (await git(['rev-parse', '--verify', '-q', 'refs/heads/main'], { cwd: repositoryPath(defaultRepositoriesRoot(f.p.dataDir), owner, repo), env: f.env }).catch(() => '')).trim();
  return f;
}
