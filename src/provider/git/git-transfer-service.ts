// Git over HTTPS, once authorization has let a request through (git-requirements.ts): checks what
// git http-backend would answer with bare text, makes sure the repository record has its bare
// repository, records the clone, hands the exchange to the caller's stream (git http-backend on the
// raw request and response), settles a push's default branch before the answer ends
// (pushed-default-branch.ts), then — the answer gone out, failures only logged — records a push
// (the repository's pushed_at and the audit event, together). Also the message git shows for a
// refusal. A push runs under its repository's push lock (Store.withPushLock): renames and deletes
// wait for it.
import { audit, requestSource } from '../audit/audit';
import { TokenExpiredError } from '../auth/token-auth';
import type { AnyCaller } from '../authz/caller';
import { approvalDenial, reachesPublicOnly } from '../authz/token-access';
import type { ProviderContext } from '../context';
import { HttpError } from '../http/errors';
import { repositoriesRoot } from '../repos/repositories-root';
import type { RepositoryResourceRecord } from '../repos/repository-resource';
import type { RepositoryRecord } from '../store/repositories';
import { withTransaction } from '../transaction';
import { bareRepositoryExists, createBareRepository, gitPathInfo, InvalidRepositoryNameError, repositoryPath } from './bare-repos';
import { GitRefusal, gitRefusalMessage, GitRefusalFacts } from './git-refusal-message';
import type { GitService, GitSmartHttpRequest } from './git-service';
import type { GitHttpBackendOptions } from './http-backend';
import type { GitHttpBackendResult } from './http-backend-result';
import { printableText } from './printable-text';
import { adoptPushedDefaultBranch } from './pushed-default-branch';
import { gitServiceEnv } from './git-service-env';
import { MAX_INFLATED_FETCH_BYTES, PUSH_COMMANDS_ALLOWANCE_BYTES } from './request-body';

/** Audit event names for git use (GitHub's). */
const GIT_AUDIT_ACTIONS = { clone: 'git.clone', push: 'git.push' } as const;

/** One smart-HTTP exchange as the route parsed it. */
interface GitExchange {
  request: GitSmartHttpRequest;
  /** The path after `{owner}/{repo}.git`: `/info/refs`, `/git-upload-pack`, … */
  subPath: string;
  /** The request's Content-Type header, as sent. */
  contentType: string | undefined;
}

/** Streams the exchange through git http-backend (the route's raw request and response); never rejects. */
type GitBackendStream = (
  options: Pick<GitHttpBackendOptions, 'projectRoot' | 'pathInfo' | 'request' | 'remoteUser' | 'remoteAddr' | 'env' | 'maxInflatedBytes' | 'beforeEnd' | 'stop'>,
) => Promise<GitHttpBackendResult>;

/** An RPC must say what it carries; refused here rather than by git http-backend, whose answer would be bare text. */
export function rpcContentTypeProblem(request: GitSmartHttpRequest, contentType: string | undefined): HttpError | undefined {
  if (request.phase !== 'rpc') return undefined;
  const expectedType = `application/x-git-${request.service}-request`;
  if (String(contentType ?? '').split(';')[0].trim().toLowerCase() === expectedType) return undefined;
  return new HttpError(415, `Unsupported Media Type: git-${request.service} needs Content-Type ${expectedType}`);
}

/** The most bytes a request of `service` may carry (a push: its pack and its commands), inflated or, when refused, dropped. */
export function requestBodyLimit(ctx: ProviderContext, service: GitService): number {
  return service === 'receive-pack' ? ctx.settings.maxPushBytes + PUSH_COMMANDS_ALLOWANCE_BYTES : MAX_INFLATED_FETCH_BYTES;
}

/** Only a clone or fetch's first step is recorded as a clone (one per fetch, whatever its rounds). */
export function isCloneStart(request: GitSmartHttpRequest): boolean {
  return request.phase === 'advertisement' && request.service === 'upload-pack';
}

/**
 * One push = one receive-pack RPC that updated at least one ref: git reported a ref "ok"
 * (push-report.ts), whether or not its client stayed for the answer. A push whose every update git
 * refused (a hidden ref, a rejected non-fast-forward, …) or whose body the provider refused is none.
 * A client that asked for no report (no git client does) leaves only git's outcome: a push when
 * git accepted its body and answered in full, or — its client gone once git had the whole body,
 * which git then ran through (http-backend.ts) — ended well (git may first probe with a 4-byte "0000").
 */
export function isCompletedPush(request: GitSmartHttpRequest, result: GitHttpBackendResult): boolean {
  if (request.phase !== 'rpc' || request.service !== 'receive-pack' || result.bytesIn <= 4 || result.refused) return false;
  if (result.refsUpdated !== undefined) return result.refsUpdated > 0;
  return result.aborted ? result.bodyDelivered && result.exitCode === 0 : result.status === 200;
}

/** git http-backend failed (not the client going away): worth a line in the server log. */
export function backendFailed(result: GitHttpBackendResult): boolean {
  return result.status >= 500 || (result.exitCode !== 0 && !result.aborted && result.exitCode !== null);
}

async function auditGitAccess(ctx: ProviderContext, caller: AnyCaller, rec: RepositoryResourceRecord, action: string, service: GitService): Promise<void> {
  const { principal } = caller;
  if (!principal) return; // anonymous clones of public repositories are not attributed
  await audit(ctx, requestSource(caller), action, {
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

/**
 * The record as it is now, with its bare repository. The caller was authorized on `rec` as read
 * when the request began: it is read again by id, so that a repository deleted since answers 404
 * (even when another one, which the caller may not read, was made at its name meanwhile), and a
 * renamed one is served at its new path (a rename does not change who may use it, and GitHub
 * follows renames too). A record always has its bare repository: made here if an earlier step
 * missed it, under the repository's lock (which renames and deletes hold), reading the record once
 * more there; never an empty repository at a name the record left, where a push would be lost.
 */
async function ensureBareRepository(ctx: ProviderContext, root: string, rec: RepositoryResourceRecord): Promise<RepositoryResourceRecord> {
  const now = await ctx.store.repositories.byId(rec.repository.id);
  if (!now) throw new HttpError(404, 'Not Found');
  if (await bareRepositoryExists(root, rec.owner.login, now.name)) return followed(rec, now);
  const current = await ctx.store.withRepositoryLock(rec.repository.id, async (store) => {
    const locked = await store.repositories.byId(rec.repository.id);
    if (locked && !(await bareRepositoryExists(root, rec.owner.login, locked.name))) await createBareRepository(root, rec.owner.login, locked.name, locked.id);
    return locked;
  });
  if (!current) throw new HttpError(404, 'Not Found');
  return followed(rec, current);
}

/** `rec` with the repository record as it is now (its full name following a rename). */
function followed(rec: RepositoryResourceRecord, now: RepositoryRecord): RepositoryResourceRecord {
  return now.name === rec.repository.name ? { ...rec, repository: now } : { ...rec, repository: now, fullName: `${rec.owner.login}/${now.name}` };
}

/** Serves one authorized smart-HTTP exchange on `rec` through `stream`. Rejects only before the stream starts. */
export async function serveGitExchange(ctx: ProviderContext, caller: AnyCaller, rec: RepositoryResourceRecord, exchange: GitExchange, stream: GitBackendStream): Promise<void> {
  const { request } = exchange;
  const contentTypeProblem = rpcContentTypeProblem(request, exchange.contentType);
  if (contentTypeProblem) throw contentTypeProblem;
  const root = repositoriesRoot(ctx);
  try {
    gitPathInfo(rec.owner.login, rec.repository.name, exchange.subPath);
  } catch (err) {
    if (err instanceof InvalidRepositoryNameError) throw new HttpError(404, 'Not Found');
    throw err;
  }
  const result = await whilePushing(ctx, request, rec.repository.id, async (lockLost) => {
    rec = await ensureBareRepository(ctx, root, rec);
    return streamExchange(ctx, caller, rec, exchange, root, stream, lockLost);
  });
  // The answer has gone out: from here on, failures are only logged.
  try {
    if (backendFailed(result)) {
      ctx.log('warn', `git ${request.service} on ${rec.fullName}: status ${result.status}, exit ${result.exitCode ?? result.signal}: ${printableText(result.stderr.trim(), 'keep')}`);
    }
    if (isCompletedPush(request, result)) {
      await withTransaction(ctx, async (tx) => {
        await tx.store.repositories.touchPushed(rec.repository.id, ctx.clock.now());
        await auditGitAccess(tx, caller, rec, GIT_AUDIT_ACTIONS.push, request.service);
      });
    }
  } catch (err) {
    ctx.log('error', `git ${request.service} on ${rec.fullName}: after the answer: ${(err as Error)?.stack ?? String(err)}`);
  }
}

/**
 * Runs `fn` — from reading the record again to git's end — holding the repository's push lock when
 * the exchange is a push (Store.withPushLock): a rename or delete waits for it (or refuses), so git
 * never writes into a bare repository being moved or removed; a push arriving during one waits for
 * it, then finds the record as it left it (renamed: followed; deleted: 404, said in git's protocol).
 * Should the push lock be lost (PostgreSQL: its connection ended), `fn`'s signal is aborted and the
 * push is stopped at once (git's process group, the client answered with an error), since a rename
 * or delete at another replica may move the bare repository from then on. Fetches take no lock: a
 * bare repository moved aside meanwhile is read on (git has it open), one removed ends the fetch
 * with git's error.
 */
function whilePushing<T>(ctx: ProviderContext, request: GitSmartHttpRequest, id: number, fn: (lockLost?: AbortSignal) => Promise<T>): Promise<T> {
  return request.phase === 'rpc' && request.service === 'receive-pack' ? ctx.store.withPushLock(id, fn) : fn();
}

/** Streams the exchange on `rec` (its bare repository there) through `stream`; a push's default branch settled before its answer ends. */
async function streamExchange(
  ctx: ProviderContext,
  caller: AnyCaller,
  rec: RepositoryResourceRecord,
  exchange: GitExchange,
  root: string,
  stream: GitBackendStream,
  lockLost: AbortSignal | undefined,
): Promise<GitHttpBackendResult> {
  const { request } = exchange;
  const pathInfo = gitPathInfo(rec.owner.login, rec.repository.name, exchange.subPath);
  if (isCloneStart(request)) await auditGitAccess(ctx, caller, rec, GIT_AUDIT_ACTIONS.clone, request.service);

  // A push's default branch is settled before the answer ends, so a clone started once git push
  // returns sees it (HEAD and the record); a failure is only logged.
  const beforeEnd = async (answered: GitHttpBackendResult) => {
    if (!isCompletedPush(request, answered)) return;
    await adoptPushedDefaultBranch(ctx, repositoryPath(root, rec.owner.login, rec.repository.name), rec.repository).catch((err: unknown) => {
      ctx.log('error', `git ${request.service} on ${rec.fullName}: default branch: ${(err as Error)?.stack ?? String(err)}`);
    });
  };
  const env = gitServiceEnv(request.service, ctx.settings.maxPushBytes);
  const maxInflatedBytes = requestBodyLimit(ctx, request.service);
  // Lost before git starts: refused busy (503), as a lost lock is.
  lockLost?.throwIfAborted();
  const stop = lockLost ? { stop: lockLost } : {};
  const result = await stream({ projectRoot: root, pathInfo, request, remoteUser: caller.principal?.user.login, remoteAddr: caller.ip, env, maxInflatedBytes, beforeEnd, ...stop });
  // No answer was ending: its default branch is settled now, still under the push lock.
  if (result.aborted) await beforeEnd(result);
  return result;
}

/** The message git shows for a refusal of a request on `fullName` (see git-refusal-message.ts). */
export async function gitRefusalMessageFor(
  ctx: ProviderContext,
  err: GitRefusal,
  facts: Omit<GitRefusalFacts, 'approvalDenial' | 'publicOnlyScopes' | 'expiredToken'>,
): Promise<string> {
  const token = facts.principal?.token;
  // Only a 404 to a token says why the token itself may be the reason.
  const notFound = err.status === 404 && token ? token : undefined;
  const denial = notFound ? await approvalDenial(ctx, notFound).catch(() => undefined) : undefined;
  const publicOnly = notFound && reachesPublicOnly(notFound) ? { publicOnlyScopes: notFound.scopes } : {};
  const expiredToken = err instanceof TokenExpiredError ? { name: err.tokenName, expiredAt: err.expiredAt } : undefined;
  return gitRefusalMessage(err, { ...facts, approvalDenial: denial?.message, ...publicOnly, ...(expiredToken ? { expiredToken } : {}) });
}
