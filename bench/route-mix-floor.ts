// The "Fastify floor" of bench/route-mix: Fastify over the provider's own store and JSON helpers,
// doing the reads and serialization each measured route does, behind the least token check (the
// one token the bench uses, found at start). No guards, no policy checks, no bookkeeping, no audit.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tokenRequestJson } from '../src/provider/approvals/grant-json';
import type { ProviderContext } from '../src/provider/context';
import { createProviderContext } from '../src/provider/create-context';
import { defaultRepositoriesRoot, gitPathInfo } from '../src/provider/git/bare-repos';
import { serveGitHttpBackend } from '../src/provider/git/http-backend';
import { parseGitSmartHttpRequest } from '../src/provider/git/git-service';
import { ownerById, ownerByLogin } from '../src/provider/repos/account-owner';
import { repositoryAccess } from '../src/provider/repos/repository-access';
import { repositoryJson } from '../src/provider/repos/repository-json';
import { openSqliteStore } from '../src/provider/store/sqlite/sqlite-store';
import type { TokenRecord } from '../src/provider/store/tokens';
import type { UserRecord } from '../src/provider/store/users';
import { tokensJson } from '../src/provider/tokens/token-json';
import { FULL_VIEW, userWithCountsJson } from '../src/provider/users/user-json';
import { parseToken, tokenDigest } from '../src/shared/token-format';

export interface FloorReads {
  ctx: ProviderContext;
  principal: { token: TokenRecord; user: UserRecord; digest: Buffer };
  setOrigin(origin: string): void;
  origin(): string;
  close(): Promise<void>;
}

export async function floorReads(dataDir: string, token: string): Promise<FloorReads> {
  const store = await openSqliteStore(dataDir);
  const ctx = createProviderContext(store, { dataDir });
  const found = await store.tokens.byDigestWithUser(tokenDigest(token));
  if (!found) throw new Error('floor: the bench token is unknown');
  return {
    ctx,
    principal: { ...found, digest: Buffer.from(found.token.hashedToken, 'hex') },
    setOrigin: (origin) => (ctx.origin = origin),
    origin: () => ctx.origin,
    close: () => store.close(),
  };
}

/** The token from `token <t>` or Basic `<anything>:<t>`. */
function presented(header: string | undefined): string {
  if (!header) return '';
  if (header.startsWith('token ')) return header.slice(6);
  if (header.startsWith('Basic ')) {
    const text = Buffer.from(header.slice(6), 'base64').toString('utf8');
    return text.slice(text.indexOf(':') + 1);
  }
  return '';
}

export function registerFloorRoutes(app: FastifyInstance, reads: FloorReads): void {
  const { ctx, principal } = reads;
  const { store } = ctx;
  const { user, token } = principal;
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const secret = presented(request.headers.authorization);
    const digest = parseToken(secret) ? tokenDigest(secret) : '';
    if (digest.length !== 64 || !timingSafeEqual(principal.digest, Buffer.from(digest, 'hex'))) {
      reply.code(401).send({ message: 'Bad credentials' });
      return;
    }
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-oauth-scopes', token.scopes.join(', '));
    reply.header('x-accepted-oauth-scopes', '');
    done();
  });

  app.get('/api/v3/user', async () => userWithCountsJson(ctx, user, FULL_VIEW));

  app.get<{ Params: { owner: string; repo: string } }>('/api/v3/repos/:owner/:repo', async (request, reply) => {
    const owner = await ownerByLogin(ctx, request.params.owner);
    const repo = owner && (await store.repositories.byOwnerAndName(owner.type, owner.id, request.params.repo));
    if (!owner || !repo) return reply.code(404).send({ message: 'Not Found' });
    return repositoryJson(ctx, repo, owner, await repositoryAccess(ctx, repo, user));
  });

  app.get('/api/v3/user/repos', async () => {
    const repos = await store.repositories.listVisibleTo(user.id, { includePublic: false });
    const out = [];
    for (const repo of repos) {
      const owner = await ownerById(ctx, repo.ownerType, repo.ownerId);
      if (owner) out.push(repositoryJson(ctx, repo, owner, await repositoryAccess(ctx, repo, user)));
    }
    return out;
  });

  app.get('/api/v3/user/personal-access-tokens', async () => {
    const tokens = [
      ...(await store.tokens.list({ userId: user.id, kind: 'classic', limit: 30 })),
      ...(await store.tokens.list({ userId: user.id, kind: 'fine_grained', limit: 30 })),
    ].sort((a, b) => b.id - a.id);
    return tokensJson(ctx, tokens.slice(0, 30));
  });

  app.get<{ Params: { org: string } }>('/api/v3/orgs/:org/personal-access-token-requests', async (request, reply) => {
    const org = await store.organizations.byLogin(request.params.org);
    if (!org) return reply.code(404).send({ message: 'Not Found' });
    const pending = await store.tokenRequests.list({ orgId: org.id, status: 'pending' });
    const tokens = new Map((await store.tokens.byIds(pending.map((r) => r.tokenId))).map((t) => [t.id, t]));
    const users = new Map((await store.users.byIds(pending.map((r) => r.userId))).map((u) => [u.id, u]));
    const out = [];
    for (const r of pending.reverse()) {
      const t = tokens.get(r.tokenId);
      const requester = users.get(r.userId);
      if (t && requester) out.push(tokenRequestJson(ctx, org, r, t, requester));
    }
    return out.slice(0, 30);
  });

  app.get<{ Params: { owner: string; repo: string } }>('/:owner/:repo/info/refs', async (request, reply) => {
    const name = request.params.repo.replace(/\.git$/, '');
    const owner = await ownerByLogin(ctx, request.params.owner);
    const repo = owner && (await store.repositories.byOwnerAndName(owner.type, owner.id, name));
    if (!owner || !repo) return reply.code(404).send({ message: 'Not Found' });
    const parsed = parseGitSmartHttpRequest('GET', '/info/refs', new URL(request.url, 'http://floor').searchParams);
    if (!parsed.ok) return reply.code(parsed.status).send({ message: parsed.message });
    reply.hijack();
    await serveGitHttpBackend(request.raw, reply.raw, {
      projectRoot: defaultRepositoriesRoot(ctx.dataDir),
      pathInfo: gitPathInfo(owner.login, repo.name, '/info/refs'),
      request: parsed,
      remoteUser: user.login,
      remoteAddr: request.ip,
    });
  });
}
