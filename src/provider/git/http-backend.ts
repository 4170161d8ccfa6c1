// Bridges one HTTP request to the real `git http-backend` CGI program, spawned for that request.
// Both bodies are streamed with backpressure (the request body into the CGI's stdin, its stdout
// after the CGI header block into the response): no pack is ever held in memory. A gzip body is
// inflated on the way, within a limit, and a push's ref update commands are bounded
// (request-body.ts). Works on raw Node request/response objects, so it serves node:http(s)
// directly and Fastify after `reply.hijack()` (request.raw / reply.raw).
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gitCommandEnv } from './bare-repos';
import { endOfHeaders, parseCgiHeaders } from './cgi-headers';
import { backendQueryString, GitSmartHttpRequest } from './git-service';
import type { GitHttpBackendResult } from './http-backend-result';
import { gitProtocolRefusal } from './protocol-refusal';
import { PushReportReader } from './push-report';
import { dropRequestBody, inflatingBody, isGzipEncoding, MAX_INFLATED_FETCH_BYTES, PUSH_COMMANDS_ALLOWANCE_BYTES, pushCommandsLimit, RequestBodyError } from './request-body';
import { TransferMemoryGuard } from './transfer-memory';

export interface GitHttpBackendOptions {
  /** GIT_PROJECT_ROOT: the folder that holds the repositories. */
  projectRoot: string;
  /** PATH_INFO below the root, e.g. '/owner/repo.git/info/refs' (see bare-repos' gitPathInfo). */
  pathInfo: string;
  /** The request as parsed and authorized (git-service's parseGitSmartHttpRequest): git sees this service only. */
  request: GitSmartHttpRequest;
  /** REMOTE_USER: who is pushing (recorded in reflogs; git http-backend needs it, or http.receivepack, for pushes). */
  remoteUser?: string;
  /** REMOTE_ADDR; defaults to the request socket's remote address. */
  remoteAddr?: string;
  /** The most bytes a gzip-compressed request body may inflate to (413 past it); default MAX_INFLATED_FETCH_BYTES. */
  maxInflatedBytes?: number;
  /** Extra environment for the CGI (wins over the computed variables). */
  env?: Record<string, string>;
  /** The git executable; default 'git'. */
  gitBinary?: string;
  /** Called with the CGI's process id once it is spawned (it leads its own process group on POSIX). */
  onSpawn?: (pid: number) => void;
  /**
   * Run once git has answered in full and exited, before the response ends (the client's git
   * command finishes only then): with the result so far. Must not reject.
   */
  beforeEnd?: (result: GitHttpBackendResult) => Promise<void>;
  /**
   * Aborted when the exchange must end at once (a push whose lock was lost): git's process group is
   * stopped (SIGTERM, then SIGKILL) whatever it was doing, and the client answered 503 (its reason's
   * message) or, git's answer under way, cut off; git on the client side reports the failure.
   */
  stop?: AbortSignal;
}

/** The most CGI header bytes accepted before the blank line. */
const MAX_CGI_HEADER_BYTES = 64 * 1024;
const MAX_STDERR_BYTES = 8 * 1024;
/** Response bytes queued for the client before git's output is paused (backpressure). */
const MAX_QUEUED_RESPONSE_BYTES = 256 * 1024;
/** After SIGTERM, how long the CGI's process group gets before SIGKILL. */
const KILL_GRACE_MS = 2000;
/**
 * A push stopped before its body was all received (its client went away, or the body was refused)
 * has its input closed and this long to end by itself before it is signalled: receive-pack removes
 * its quarantined objects when its input ends early, but a signal leaves them on disk. A push whose
 * body did arrive in full is never signalled: git has all it needs and ends by itself, and a signal
 * could stop it after it moved refs and before the push was recorded.
 */
const PUSH_SELF_EXIT_MS = 30_000;

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Serves one smart-HTTP request with `git http-backend`. Resolves when the exchange is over
 * (never rejects): after the response has been sent, or the client went away and the CGI has
 * ended (upload-pack signalled at once; receive-pack first left to end on its closed input).
 * The caller must have authorized the request and must not have read its body.
 */
export function serveGitHttpBackend(
  req: IncomingMessage,
  res: ServerResponse,
  opts: GitHttpBackendOptions,
): Promise<GitHttpBackendResult> {
  return new Promise((resolve) => {
    const service = opts.request.service;
    const method = (req.method ?? 'GET').toUpperCase();
    // The client went away before git could start (while the request was being authorized): its
    // body went with it, so git is not started (it would wait for that body for ever).
    if (req.destroyed || res.destroyed || req.socket.destroyed) {
      resolve({ status: res.statusCode, service, bytesIn: 0, bytesOut: 0, aborted: true, bodyDelivered: false, exitCode: null, signal: null, stderr: '', refused: false });
      return;
    }

    const env: NodeJS.ProcessEnv = gitCommandEnv({
      GIT_PROJECT_ROOT: opts.projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
      REQUEST_METHOD: method,
      PATH_INFO: opts.pathInfo,
      QUERY_STRING: backendQueryString(opts.request),
      REMOTE_ADDR: opts.remoteAddr ?? req.socket.remoteAddress ?? '',
    });
    const contentType = headerValue(req, 'content-type');
    if (contentType !== undefined) env.CONTENT_TYPE = contentType;
    // A gzip body reaches git inflated (never HTTP_CONTENT_ENCODING: git would inflate it without limit).
    const gzipped = isGzipEncoding(headerValue(req, 'content-encoding'));
    const contentLength = headerValue(req, 'content-length');
    // With chunked transfer (or an inflated body) the length is unknown: git http-backend then reads to end of input.
    // A push's is never given: on a body that ends short of it (cut), git http-backend spins instead of ending.
    if (!gzipped && service !== 'receive-pack' && contentLength !== undefined && /^\d+$/.test(contentLength) && req.headers['transfer-encoding'] === undefined) {
      env.CONTENT_LENGTH = contentLength;
    }
    const gitProtocol = headerValue(req, 'git-protocol');
    if (gitProtocol !== undefined) env.GIT_PROTOCOL = gitProtocol;
    if (opts.remoteUser !== undefined) env.REMOTE_USER = opts.remoteUser;
    Object.assign(env, opts.env);

    let bytesIn = 0;
    let bytesOut = 0;
    let aborted = false;
    let bodyDelivered = false;
    let settled = false;
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    let stderrTail = Buffer.alloc(0);
    let headersDone = false;
    let headerChunks: Buffer[] = [];
    let headerBytes = 0;
    let childClosed = false;
    let killTimer: NodeJS.Timeout | undefined;
    /** git's process group was signalled (SIGTERM, SIGKILL after the grace). */
    let terminated = false;
    let waitingForDrain = false;
    let refused = false;
    const pushRpc = service === 'receive-pack' && opts.request.phase === 'rpc';
    const report = pushRpc ? new PushReportReader() : undefined;

    const groupLeader = process.platform !== 'win32';
    const child = spawn(opts.gitBinary ?? 'git', ['http-backend'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: groupLeader, // its own process group, so upload-pack/pack-objects die with it
      windowsHide: true,
    });

    const result = (): GitHttpBackendResult => ({
      status: res.statusCode,
      service,
      bytesIn,
      bytesOut,
      aborted,
      bodyDelivered,
      exitCode,
      signal: exitSignal,
      stderr: stderrTail.toString('utf8'),
      refused,
      ...(report ? { refsUpdated: report.refsUpdated } : {}),
    });
    const finish = () => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      opts.stop?.removeEventListener('abort', stopNow);
      resolve(result());
    };

    const killChild = (now = false) => {
      if (childClosed || child.pid === undefined || killTimer) return;
      const signal = (sig: NodeJS.Signals) => {
        try {
          if (groupLeader) process.kill(-child.pid!, sig);
          else child.kill(sig);
        } catch {
          /* already gone */
        }
      };
      const terminate = () => {
        terminated = true;
        signal('SIGTERM');
        killTimer = setTimeout(() => signal('SIGKILL'), KILL_GRACE_MS);
        killTimer.unref();
      };
      if (service !== 'receive-pack' || now) {
        req.unpipe();
        child.stdin.destroy();
        terminate(); // upload-pack keeps nothing on disk: stop pack-objects at once
        return;
      }
      if (req.complete && !inputCut) return; // the whole body is on its way to git: req's 'close' below sees it there
      cutPushInput();
    };
    // Ends a push's input where it is (git sees a truncated request and updates nothing), then lets git end by
    // itself, and signals it if it has not: git http-backend, given a Content-Length, can spin on a short body.
    let inputCut = false;
    const cutPushInput = () => {
      inputCut = true;
      req.unpipe();
      child.stdin.destroy();
      if (childClosed || killTimer) return;
      killTimer = setTimeout(() => {
        killTimer = undefined;
        killChild(true);
      }, PUSH_SELF_EXIT_MS);
      killTimer.unref();
    };

    // Told to stop (opts.stop): git's process group now, even a push whose whole body went to git
    // (a push otherwise left to end by itself), and the client answered with the failure.
    const stopNow = () => {
      if (childClosed || terminated) return;
      if (killTimer) clearTimeout(killTimer); // a cut push's wait to end by itself
      killTimer = undefined;
      headersDone = true;
      headerChunks = [];
      killChild(true);
      fail(stopMessage(opts.stop!), 503);
    };
    opts.stop?.addEventListener('abort', stopNow, { once: true });

    const fail = (message: string, status = 502) => {
      if (!res.headersSent && !res.destroyed) {
        const body = JSON.stringify({ message });
        res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      } else {
        res.destroy();
      }
      killChild();
    };

    // The client went away (or the connection broke) before the response was complete.
    res.on('close', () => {
      if (!res.writableFinished) {
        aborted = true;
        killChild();
        child.stdout.resume(); // drain what is left (discarded), or 'close' would wait for a paused stream
        if (childClosed) finish();
      } else if (childClosed) {
        finish();
      }
    });

    child.on('error', (err) => {
      // Spawning failed (no git?) or the process could not be signalled.
      stderrTail = Buffer.concat([stderrTail, Buffer.from(String(err.message))]).subarray(-MAX_STDERR_BYTES);
      if (child.pid === undefined) {
        childClosed = true;
        fail('git http-backend could not be started');
        if (res.writableFinished || res.destroyed) finish();
      }
    });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);

    // Request body → CGI stdin, with backpressure (pipe pauses the request while stdin is full).
    const memory = new TransferMemoryGuard();
    req.on('data', (chunk: Buffer) => {
      bytesIn += chunk.length;
      memory.add(chunk.length);
    });
    child.stdin.on('error', () => {
      /* EPIPE: git stopped reading (it answers with an error of its own, or was killed) */
    });
    req.on('error', () => {
      aborted = true;
      killChild();
    });
    // The body refused by the provider: git's answer, if any comes, is dropped. The refusal is said
    // in git's protocol when the client can show it (protocol-refusal.ts), and the rest of the body
    // is then read and dropped (up to what such a request may carry): git sends all of it before it
    // reads the answer, and a connection closed under it would show only "RPC failed".
    const refuseBody = (err: Error) => {
      if (refused) return;
      refused = true;
      headersDone = true;
      headerChunks = [];
      cutPushInput();
      const answer = gitProtocolRefusal(service, commands?.section.capabilities ?? new Set(), err.message);
      if (!answer || res.headersSent || res.destroyed) {
        fail(err.message, err instanceof RequestBodyError ? err.status : 400);
        return;
      }
      dropRequestBody(req, (opts.maxInflatedBytes ?? MAX_INFLATED_FETCH_BYTES) - bytesIn);
      res.writeHead(200, { 'Content-Type': answer.contentType, 'Cache-Control': 'no-cache', 'Content-Length': answer.body.length });
      res.end(answer.body);
      killChild();
    };
    let body: NodeJS.ReadableStream = req;
    let firstStage: NodeJS.WritableStream | undefined;
    if (gzipped) {
      const inflated = inflatingBody(opts.maxInflatedBytes ?? MAX_INFLATED_FETCH_BYTES);
      inflated.output.on('error', refuseBody);
      firstStage = req.pipe(inflated.input);
      body = inflated.output;
    }
    const commands = pushRpc ? pushCommandsLimit(PUSH_COMMANDS_ALLOWANCE_BYTES) : undefined;
    if (commands) {
      commands.on('error', refuseBody);
      body = body.pipe(commands);
      firstStage ??= commands;
    }
    firstStage ??= child.stdin;
    body.pipe(child.stdin);
    req.on('end', () => {
      bodyDelivered = true;
    });
    // The connection closed: Node destroys the request, its 'end' not always emitted yet. A body
    // whose every byte went on is ended here, so git gets all of it; one with bytes still held (or
    // never received) is cut, and git updates nothing.
    req.on('close', () => {
      if (bodyDelivered || service !== 'receive-pack' || childClosed) return;
      if (req.complete && req.readableLength === 0 && !child.stdin.destroyed) {
        bodyDelivered = true;
        firstStage.end();
      } else {
        cutPushInput();
      }
    });

    child.stderr.on('data', (chunk: Buffer) => {
      stderrTail = Buffer.concat([stderrTail, chunk]);
      if (stderrTail.length > MAX_STDERR_BYTES) stderrTail = stderrTail.subarray(-MAX_STDERR_BYTES);
    });

    const writeBody = (chunk: Buffer) => {
      if (chunk.length === 0 || res.destroyed || res.writableEnded) return; // after a 502, git's output is dropped
      bytesOut += chunk.length;
      memory.add(chunk.length);
      // Pause git only when a little more than one read is queued on the socket: fewer
      // pause/resume round trips than at the first `false`, and memory stays bounded.
      if (!res.write(chunk) && res.writableLength > MAX_QUEUED_RESPONSE_BYTES && !waitingForDrain) {
        waitingForDrain = true;
        child.stdout.pause();
        res.once('drain', () => {
          waitingForDrain = false;
          child.stdout.resume();
        });
      }
    };

    // CGI stdout → header block → response headers; the rest streams to the response.
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        if (!refused) report?.read(chunk);
        writeBody(chunk);
        return;
      }
      headerChunks.push(chunk);
      headerBytes += chunk.length;
      const buffered = headerChunks.length === 1 ? chunk : Buffer.concat(headerChunks);
      headerChunks = [buffered];
      const end = endOfHeaders(buffered);
      if (!end) {
        if (headerBytes > MAX_CGI_HEADER_BYTES) {
          headersDone = true;
          headerChunks = [];
          fail('git http-backend sent no valid CGI header');
        }
        return;
      }
      headersDone = true;
      headerChunks = [];
      const parsed = parseCgiHeaders(buffered.subarray(0, end.headerEnd).toString('latin1'));
      if (!parsed) {
        fail('git http-backend sent an invalid CGI header');
        return;
      }
      report?.read(buffered.subarray(end.bodyStart));
      if (res.destroyed || res.headersSent) return;
      res.statusCode = parsed.status;
      if (parsed.reason) res.statusMessage = parsed.reason;
      for (const [name, value] of parsed.headers) res.appendHeader(name, value);
      writeBody(buffered.subarray(end.bodyStart));
    });

    child.on('close', (code, signal) => {
      childClosed = true;
      exitCode = code;
      exitSignal = signal;
      if (aborted || res.destroyed) {
        finish();
        return;
      }
      if (!headersDone) fail(`git http-backend ended without an answer (exit ${code ?? signal})`);
      const end = () => {
        if (!res.writableEnded && !res.destroyed) res.end();
        if (res.writableFinished || res.destroyed) finish();
        else res.once('finish', finish);
      };
      if (headersDone && opts.beforeEnd && !res.writableEnded) void opts.beforeEnd(result()).then(end);
      else end();
    });
  });
}

/** What the client is told when the exchange was stopped (`stop`'s reason). */
function stopMessage(stop: AbortSignal): string {
  return stop.reason instanceof Error ? stop.reason.message : 'the exchange was stopped';
}
