// Git smart HTTP at `{origin}/{owner}/{repo}.git`: `info/refs?service=…`, `git-upload-pack`,
// `git-receive-pack`, authenticated and authorized by the one authorization layer (a token as
// the Basic password; fetch needs contents:read or a public repository, push contents:write;
// classic tokens repo / public_repo; org policy, approval, SSO, expiry and revocation apply),
// then streamed to the real `git http-backend` (git/http-backend.ts). Errors are text/plain so
// git prints them to the user ("remote: ...") — JSON for a client that asks for it —; 401s carry `WWW-Authenticate: Basic
// realm="Tessera"` so git asks its credential helper.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { audit, requestSource } from '../audit/audit';
import { AuthRequirement, AuthzRequest, resolvePerRequest, ResourceResolver } from '../authz/requirement';
import { approvalDenial } from '../authz/token-access';
import type { ProviderContext } from '../context';
import { bareRepositoryExists, createBareRepository, gitPathInfo, InvalidRepositoryNameError } from '../git/bare-repos';
import { repositoriesRoot } from '../repos/repositories-root';
import { GitService, parseGitSmartHttpRequest } from '../git/git-service';
import { serveGitHttpBackend } from '../git/http-backend';
import { toHttpError } from '../http/error-handler';
import { BAD_CREDENTIALS, HttpError } from '../http/errors';
import { repositoryClassicScopes, repositoryOf, repositoryPermission, repositoryResolver } from '../repos/repository-resource';

export const GIT_REALM = 'Basic realm="Tessera"';

/** Audit event names for git use (GitHub's). */
export const GIT_AUDIT_ACTIONS = { clone: 'git.clone', push: 'git.push' } as const;

/** The smart-HTTP request under /{owner}/{repo}.git: one parse for authorization and the handler. */
function gitRouteOf(request: AuthzRequest): { subPath: string; route: ReturnType<typeof parseGitSmartHttpRequest> } {
  const subPath = '/' + (request.url.split('?')[0].split('/').slice(3).join('/') || '');
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
  return { subPath, route: parseGitSmartHttpRequest(request.method, subPath, query) };
}

/**
 * Read (upload-pack) or write (receive-pack), from the same parse the handler serves: the two can
 * never disagree. A request that is not smart HTTP is refused by the handler whatever it is.
 */
function accessOf(request: AuthzRequest): 'read' | 'write' {
  const { route } = gitRouteOf(request);
  return route.ok ? route.access : 'read';
}

function splitRepoParam(request: FastifyRequest): { owner: string | undefined; repo: string | undefined } {
  const p = (request.params ?? {}) as Record<string, string | undefined>;
  return { owner: p.owner, repo: p.repo };
}

const resolveSmartHttpRepository = repositoryResolver({ params: splitRepoParam, unauthenticated: 'challenge' });

/** A request that is not git smart HTTP (an unknown or repeated service, …) is refused before the repository is looked up. */
const resolveRepository: ResourceResolver = (request, ctx, principal) => {
  const { route } = gitRouteOf(request);
  if (!route.ok) return Promise.reject(new HttpError(route.status, route.message));
  return resolveSmartHttpRepository(request, ctx, principal);
};
const readScopes = repositoryClassicScopes('read');
const writeScopes = repositoryClassicScopes('write');
const readPermission = repositoryPermission('contents', 'read');
const writePermission = repositoryPermission('contents', 'write');

const GIT_AUTH: AuthRequirement = {
  // Public repositories can be cloned without credentials; everything else answers 401 with the
  // Basic challenge (the resolver's 'challenge' mode) so git asks its credential helper.
  anonymous: true,
  resource: resolveRepository,
  classicScopes: (request, resource) => resolvePerRequest(accessOf(request) === 'write' ? writeScopes : readScopes, request, resource) ?? [],
  permission: (request, resource) => resolvePerRequest(accessOf(request) === 'write' ? writePermission : readPermission, request, resource),
  tokenOnly: true,
  wwwAuthenticate: GIT_REALM,
};

function describeToken(request: FastifyRequest): string | undefined {
  const token = request.principal?.token;
  return token ? `token '${token.note}'` : undefined;
}

/** The message git shows ("remote: ..."), naming the token, the repository and the reason. */
async function gitMessage(ctx: ProviderContext, request: FastifyRequest, err: HttpError): Promise<string> {
  const { owner, repo } = splitRepoParam(request);
  const fullName = `${owner ?? ''}/${(repo ?? '').replace(/\.git$/i, '')}`;
  const access = accessOf(request);
  const who = describeToken(request);
  if (err.status === 401) {
    if (!request.headers.authorization) return `Authentication required for ${fullName}: use a personal access token as the password`;
    if (err.message === BAD_CREDENTIALS) {
      return `Bad credentials for ${fullName}: the password must be a valid Tessera personal access token`;
    }
    return `${err.message} (${fullName})`;
  }
  if (err.status === 404) {
    if (!who) return `Repository '${fullName}' not found`;
    // The token's own state is no secret about the repository: say it when it is why.
    const token = request.principal!.token!;
    const approval = await approvalDenial(ctx, token).catch(() => undefined);
    return `Repository '${fullName}' not found, or ${who} may not access it${approval ? ` (${approval.message})` : ''}`;
  }
  if (err.status === 403) {
    if (request.principal?.method === 'password') {
      return 'Password authentication is not supported for Git operations: use a personal access token as the password';
    }
    const permission = err.headers['X-Accepted-GitHub-Permissions'];
    if (who && permission) {
      const [name, level] = permission.split('=');
      return `${who} lacks ${name}:${level} on ${fullName} (${err.message})`;
    }
    const scope = /^Token lacks the required scope: (.*)$/.exec(err.message);
    if (who && scope) return `${who} lacks the ${scope[1]} scope needed to ${access === 'write' ? 'push to' : 'fetch from'} ${fullName}`;
    return who ? `${who} may not ${access === 'write' ? 'push to' : 'fetch from'} ${fullName}: ${err.message}` : err.message;
  }
  return err.message;
}

async function sendGitError(ctx: ProviderContext, request: FastifyRequest, reply: FastifyReply, err: HttpError): Promise<FastifyReply> {
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  if (err.status === 401) reply.header('WWW-Authenticate', GIT_REALM);
  const message = await gitMessage(ctx, request, err);
  // git prints a text/plain body to the user ("remote: ..."); an API client asking for JSON gets the usual shape.
  if (/application\/(json|vnd\.github)/i.test(String(request.headers.accept ?? ''))) {
    return reply.code(err.status).type('application/json; charset=utf-8').send({ ...err.body(), message });
  }
  return reply
    .code(err.status)
    .type('text/plain; charset=utf-8')
    .send(message + '\n');
}

async function auditGitAccess(ctx: ProviderContext, request: FastifyRequest, action: string, service: GitService): Promise<void> {
  const principal = request.principal;
  if (!principal) return; // anonymous clones of public repositories are not attributed
  const rec = repositoryOf(request);
  await audit(ctx, requestSource(request), action, {
    ...(rec.owner.type === 'Organization' ? { org: { id: rec.owner.id, login: rec.owner.login } } : {}),
    ...(principal.token ? { tokenId: principal.token.id } : {}),
    data: {
      repository: rec.fullName,
      repository_id: rec.repository.id,
      repository_public: !rec.repository.private,
      transport_protocol_name: 'http',
      service: `git-${service}`,
    },
  });
}

export function registerGitRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  void app.register(async (scope) => {
    // The bodies are git's (packs, gzip): never parsed here, streamed to git http-backend as they come.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

    scope.setErrorHandler(async (err: unknown, request: FastifyRequest, reply: FastifyReply) => {
      const http = toHttpError(err, (e) => ctx.store.isBusy(e));
      if (http) return sendGitError(ctx, request, reply, http);
      ctx.log('error', `git ${request.method} ${request.url.split('?')[0]}: ${(err as Error)?.stack ?? String(err)}`);
      return reply.code(500).type('text/plain; charset=utf-8').send('Internal server error\n');
    });

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const { subPath, route } = gitRouteOf(request);
      if (!route.ok) throw new HttpError(route.status, route.message);
      // Refused here rather than by git http-backend, whose answer would be bare text.
      const expectedType = `application/x-git-${route.service}-request`;
      if (route.phase === 'rpc' && String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() !== expectedType) {
        throw new HttpError(415, `Unsupported Media Type: git-${route.service} needs Content-Type ${expectedType}`);
      }
      const rec = repositoryOf(request);
      const root = repositoriesRoot(ctx);
      let pathInfo: string;
      try {
        pathInfo = gitPathInfo(rec.owner.login, rec.repository.name, subPath);
      } catch (err) {
        if (err instanceof InvalidRepositoryNameError) throw new HttpError(404, 'Not Found');
        throw err;
      }
      // A repository record always has its bare repository (made here if an earlier step missed it).
      if (!(await bareRepositoryExists(root, rec.owner.login, rec.repository.name))) {
        await createBareRepository(root, rec.owner.login, rec.repository.name);
      }
      if (route.phase === 'advertisement' && route.service === 'upload-pack') {
        await auditGitAccess(ctx, request, GIT_AUDIT_ACTIONS.clone, route.service);
      }

      reply.hijack();
      const result = await serveGitHttpBackend(request.raw, reply.raw, {
        projectRoot: root,
        pathInfo,
        request: route,
        remoteUser: request.principal?.user.login,
        remoteAddr: request.ip,
      });
      // The answer has gone out: from here on, failures are only logged.
      try {
        if (result.status >= 500 || (result.exitCode !== 0 && !result.aborted && result.exitCode !== null)) {
          ctx.log('warn', `git ${route.service} on ${rec.fullName}: status ${result.status}, exit ${result.exitCode ?? result.signal}: ${result.stderr.trim()}`);
        }
        // One push = one receive-pack RPC with a pack (git may first probe with a 4-byte "0000").
        if (route.phase === 'rpc' && route.service === 'receive-pack' && result.status === 200 && !result.aborted && result.bytesIn > 4) {
          await ctx.store.repositories.touchPushed(rec.repository.id, ctx.clock.now());
          await auditGitAccess(ctx, request, GIT_AUDIT_ACTIONS.push, route.service);
        }
      } catch (err) {
        ctx.log('error', `git ${route.service} on ${rec.fullName}: after the answer: ${(err as Error)?.stack ?? String(err)}`);
      }
    };

    // The bodies stream to git http-backend: only the server-wide request deadline applies.
    const config = { auth: GIT_AUTH, streamsBody: true };
    // `:repo` carries the `.git` suffix (optional, as on GitHub); the resolver drops it.
    scope.get('/:owner/:repo/info/refs', { config }, handler);
    scope.post('/:owner/:repo/git-upload-pack', { config, bodyLimit: Number.MAX_SAFE_INTEGER }, handler);
    scope.post('/:owner/:repo/git-receive-pack', { config, bodyLimit: Number.MAX_SAFE_INTEGER }, handler);
  });
}
