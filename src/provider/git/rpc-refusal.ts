// An RPC (POST git-upload-pack / git-receive-pack) the provider refuses before git runs — access
// lost, the repository deleted, the database busy since git's info/refs — said in git's protocol
// (protocol-refusal.ts): git shows no body of an RPC answered with an HTTP error, only "error: RPC
// failed; HTTP 404", and a push then even ends "Everything up-to-date".
// Two refusals keep their HTTP status:
//  - a 401: git tells its credential helper to forget (`erase`) the credentials it sent, or, having
//    sent none, asks for some and sends the RPC again; a 200 would make it keep a refused token;
//  - a request that does not say it is git's (its Content-Type): no git client reads the answer.
// git retries no refused RPC (not a 429 or 503 either: only an info/refs), so nothing else is lost.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { GitSmartHttpRequest } from './git-service';
import { rpcContentTypeProblem } from './git-transfer-service';
import { PktLineScanner } from './pkt-line';
import { GitProtocolAnswer, gitProtocolRefusal } from './protocol-refusal';
import { isGzipEncoding, PUSH_COMMANDS_ALLOWANCE_BYTES, readCapabilities } from './request-body';

/** How a refused RPC is answered: in git's protocol, or (undefined) with the HTTP error. */
export async function rpcRefusalAnswer(req: IncomingMessage, request: GitSmartHttpRequest, status: number, message: string): Promise<GitProtocolAnswer | undefined> {
  if (request.phase !== 'rpc' || status === 401 || rpcContentTypeProblem(request, req.headers['content-type'])) return undefined;
  if (request.service === 'upload-pack') return gitProtocolRefusal('upload-pack', new Set(), message);
  const first = await firstPushCommand(req);
  // No command: git's probe (a flush-pkt alone) before a pack it sends in chunks. git reads
  // nothing of the probe's answer but its status: the refusal goes with the push itself.
  if (first === 'none') return { contentType: `application/x-git-receive-pack-result`, body: Buffer.alloc(0) };
  return gitProtocolRefusal('receive-pack', first, message);
}

/**
 * The capabilities a push's first command asks for, read from its body as it comes (the body left
 * paused after them, the rest unread); 'none' when the body holds no command (it starts with a
 * flush-pkt); an empty set when they could not be read (not pkt-lines, not gzip, too long, cut).
 */
function firstPushCommand(req: IncomingMessage): Promise<ReadonlySet<string> | 'none'> {
  return new Promise((resolve) => {
    const capabilities = new Set<string>();
    const scanner = new PktLineScanner();
    const gunzip = isGzipEncoding(req.headers['content-encoding'] as string | undefined) ? createGunzip() : undefined;
    const source: Readable = gunzip ? req.pipe(gunzip) : req;
    let bytes = 0;
    let lines = 0;
    let settled = false;
    const settle = (answer: ReadonlySet<string> | 'none') => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      if (gunzip) {
        req.unpipe(gunzip);
        gunzip.destroy();
      }
      req.pause();
      resolve(answer);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      scanner.scan(chunk, (line) => {
        lines++;
        if (line.kind === 'special') settle(lines === 1 && line.code === 0 ? 'none' : capabilities);
        else if (readCapabilities(line.payload, capabilities)) settle(capabilities);
        return !settled;
      });
      if (scanner.invalid || bytes > PUSH_COMMANDS_ALLOWANCE_BYTES) settle(capabilities);
    };
    source.on('data', onData);
    source.on('end', () => settle(capabilities));
    source.on('error', () => settle(capabilities));
    req.on('close', () => settle(capabilities));
  });
}
