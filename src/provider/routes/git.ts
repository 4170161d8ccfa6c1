// Git smart HTTP at `{origin}/{owner}/{repo}.git`: `info/refs?service=…`, `git-upload-pack`,
// `git-receive-pack`. Authorized by the one authorization layer (git/git-requirements.ts declares
// what each needs), served by git/git-transfer-service.ts, streamed through the real
// `git http-backend` (git/http-backend.ts). Errors are text/plain so git prints them to the user
// ("remote: ...") — JSON for a client that asks for it —, except on an RPC, where git prints only
// the status: there they are said in git's protocol (git/rpc-refusal.ts); 401s carry
// `WWW-Authenticate: Basic realm="Tessera"` so git asks its credential helper.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { anyCallerOf } from '../authz/caller';
import type { ProviderContext } from '../context';
import { gitFullName } from '../git/git-refusal-message';
import { GIT_REALM, GIT_SMART_HTTP, gitAccessOf, gitRepositoryParams, smartHttpRequestIfAny, smartHttpRequestOf } from '../git/git-requirements';
import { gitRefusalMessageFor, requestBodyLimit, serveGitExchange } from '../git/git-transfer-service';
import { serveGitHttpBackend } from '../git/http-backend';
import { dropRequestBody } from '../git/request-body';
import { refuseChunkedBody } from '../git/refused-rpc-close';
import { rpcRefusalAnswer } from '../git/rpc-refusal';
import { countFailedGitCredentials } from '../http/api-rate-limit';
import { releaseBodyDeadline } from '../http/connection-limits';
import { toHttpError } from '../http/error-handler';
import type { HttpError } from '../http/errors';
import { repositoryOf } from '../repos/repository-resource';

/** How much of a refused push's body sent in chunks is read (and dropped) for git to end its push cleanly (refused-rpc-close.ts). */
const REFUSED_CHUNKED_BODY_ALLOWANCE_BYTES = 4 * 1024 * 1024;

async function sendGitError(ctx: ProviderContext, request: FastifyRequest, reply: FastifyReply, err: HttpError): Promise<FastifyReply> {
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  if (err.status === 401) reply.header('WWW-Authenticate', GIT_REALM);
  // Credentials sent and refused count against the address, as on the API; none sent is git asking which to send.
  if (err.status === 401 && request.headers.authorization !== undefined) await countFailedGitCredentials(ctx, request);
  const { owner, repo } = gitRepositoryParams(request);
  const message = await gitRefusalMessageFor(ctx, err, {
    fullName: gitFullName(owner, repo),
    access: gitAccessOf(request),
    sentCredentials: Boolean(request.headers.authorization),
    principal: request.principal,
  });
  // git prints a text/plain body to the user ("remote: ..."); an API client asking for JSON gets the usual shape.
  if (/application\/(json|vnd\.github)/i.test(String(request.headers.accept ?? ''))) {
    return reply.code(err.status).type('application/json; charset=utf-8').send({ ...err.body(), message });
  }
  // Except on an RPC, whose HTTP error git does not print: there it is said in git's protocol (rpc-refusal.ts).
  const smartHttp = smartHttpRequestIfAny(request);
  const answer = smartHttp ? await rpcRefusalAnswer(request.raw, smartHttp, err.status, message) : undefined;
  if (smartHttp && answer) {
    ctx.log(err.status >= 500 ? 'warn' : 'info', () => `git ${request.method} ${request.url.split('?')[0]} ${err.status} said in git's protocol (request ${request.id}): ${message}`);
    if (request.raw.headers['transfer-encoding'] !== undefined && !request.raw.complete) {
      // A body git sends in chunks (a push's pack past its http.postBuffer): not read to its end (refused-rpc-close.ts).
      const headers = { ...reply.getHeaders(), 'cache-control': 'no-cache', 'content-type': answer.contentType };
      reply.hijack();
      refuseChunkedBody(request.raw, reply.raw, headers, answer.body, REFUSED_CHUNKED_BODY_ALLOWANCE_BYTES);
      return reply;
    }
    dropRequestBody(request.raw, requestBodyLimit(ctx, smartHttp.service));
    return reply.code(200).header('Cache-Control', 'no-cache').type(answer.contentType).send(answer.body);
  }
  return reply
    .code(err.status)
    .type('text/plain; charset=utf-8')
    .send(message + '\n');
}

export function registerGitRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  void app.register(async (scope) => {
    // The bodies are git's (packs, gzip): never parsed here, streamed to git http-backend as they come.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

    scope.setErrorHandler(async (err: unknown, request: FastifyRequest, reply: FastifyReply) => {
      const http = toHttpError(err, ctx.store);
      if (http) return sendGitError(ctx, request, reply, http);
      ctx.log('error', `git ${request.method} ${request.url.split('?')[0]}: ${(err as Error)?.stack ?? String(err)}`);
      return reply.code(500).type('text/plain; charset=utf-8').send('Internal server error\n');
    });

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const { subPath, request: gitRequest } = smartHttpRequestOf(request);
      const exchange = { request: gitRequest, subPath, contentType: request.headers['content-type'] };
      await serveGitExchange(ctx, anyCallerOf(request), repositoryOf(request), exchange, (options) => {
        // Authorized: the pack may take as long as the server-wide request timeout allows.
        releaseBodyDeadline(request);
        reply.hijack();
        return serveGitHttpBackend(request.raw, reply.raw, options);
      });
    };

    const config = { auth: GIT_SMART_HTTP };
    // `:repo` carries the `.git` suffix (optional, as on GitHub); the resolver drops it.
    scope.get('/:owner/:repo/info/refs', { config }, handler);
    scope.post('/:owner/:repo/git-upload-pack', { config, bodyLimit: Number.MAX_SAFE_INTEGER }, handler);
    scope.post('/:owner/:repo/git-receive-pack', { config, bodyLimit: Number.MAX_SAFE_INTEGER }, handler);
  });
}
