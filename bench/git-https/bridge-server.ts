// A minimal HTTPS server in front of the git http-backend bridge, with no authentication: used
// by the bridge's own tests, and (`--server bridge`) by the memory measurement to isolate the
// bridge from the rest of the provider. Run as a script (`node bridge-server.js --root R --data
// D`, forked with IPC) it reports its URL and, on request, its resident-memory samples.
import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gitPathInfo, validateOwnerName, validateRepositoryName } from '../../src/provider/git/bare-repos';
import { parseGitRepositoryPath, parseGitSmartHttpRequest } from '../../src/provider/git/git-service';
import type { GitHttpBackendResult } from '../../src/provider/git/http-backend-result';
import { serveGitHttpBackend } from '../../src/provider/git/http-backend';
import { ensureLocalCa } from '../../src/provider/tls/local-ca';
import { installRssSampler, ServerProcessMessage } from './rss-sampler';

interface BridgeServerOptions {
  /** GIT_PROJECT_ROOT */
  root: string;
  tls: { cert: string; key: string };
  /** Extra options for each bridged request (tests use gitBinary / onSpawn). */
  backend?: { gitBinary?: string; onSpawn?: (pid: number) => void };
  /** Called for each request before it is bridged (tests record headers). */
  onRequest?: (req: http.IncomingMessage) => void;
  /** Called when each bridged exchange is over. */
  onResult?: (result: GitHttpBackendResult, req: http.IncomingMessage) => void;
}

export interface BridgeServer {
  url: string;
  port: number;
  server: https.Server;
  close(): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function handleGitRequest(req: http.IncomingMessage, res: http.ServerResponse, opts: BridgeServerOptions): void {
  opts.onRequest?.(req);
  const url = new URL(req.url ?? '/', 'https://localhost');
  const where = parseGitRepositoryPath(url.pathname);
  if (!where || validateOwnerName(where.owner) || validateRepositoryName(where.repo)) {
    sendJson(res, 404, 'Not Found');
    return;
  }
  const route = parseGitSmartHttpRequest(req.method ?? 'GET', where.subPath, url.searchParams);
  if (!route.ok) {
    sendJson(res, route.status, route.message);
    return;
  }
  serveGitHttpBackend(req, res, {
    projectRoot: opts.root,
    pathInfo: gitPathInfo(where.owner, where.repo, where.subPath),
    request: route,
    remoteUser: 'bench',
    ...opts.backend,
  }).then((result) => opts.onResult?.(result, req));
}

export async function startBridgeServer(opts: BridgeServerOptions): Promise<BridgeServer> {
  const server = https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, (req, res) => handleGitRequest(req, res, opts));
  // Long pushes: no whole-request deadline (node's default is 5 minutes).
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(name);
    if (i === -1 || i + 1 >= args.length) throw new Error(`missing ${name}`);
    return args[i + 1];
  };
  const root = arg('--root');
  const ca = await ensureLocalCa(arg('--data'));
  await fsp.mkdir(root, { recursive: true });
  const server = await startBridgeServer({ root, tls: { cert: ca.certPem, key: ca.keyPem } });
  installRssSampler(() => server.close());
  const hello: ServerProcessMessage = { type: 'listening', url: server.url, caCertPath: ca.caCertPath, rss: process.memoryUsage.rss() };
  process.send?.(hello);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
