// The request body git http-backend reads. A gzip-compressed body (what git sends for a fetch
// whose wants and haves pass 1 KiB) is inflated here, with a limit on what it inflates to, and git
// gets it plain. Left to git, a body of a few MiB could inflate to gigabytes of protocol lines fed
// to upload-pack or receive-pack, which keep some of them in memory (an anonymous fetch of a public
// repository included): git caps the compressed bytes it buffers, never the inflated ones.
// A push's ref update commands (the pkt-lines before its pack), plain or inflated, are bounded here
// too: receive-pack keeps every one in memory and would take as many as a request could carry.
import type { IncomingMessage } from 'node:http';
import { Transform, TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { PktLineScanner } from './pkt-line';

/** git's own cap on a plain fetch request it buffers (http.maxRequestBuffer's default): a compressed one gets the same. */
export const MAX_INFLATED_FETCH_BYTES = 10 * 1024 * 1024;

/**
 * What a push's request may hold besides its pack: its ref update commands (and shallow lines), up
 * to the flush-pkt that ends them — some 90,000 branch updates. Also what a gzip push may inflate
 * to beyond its pack limit.
 */
export const PUSH_COMMANDS_ALLOWANCE_BYTES = 10 * 1024 * 1024;

export class RequestBodyError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
    this.name = 'RequestBodyError';
  }
}

/** Whether a Content-Encoding header names gzip (git's `gzip` or `x-gzip`; git http-backend reads any other as plain). */
export function isGzipEncoding(contentEncoding: string | undefined): boolean {
  return contentEncoding !== undefined && /^(x-)?gzip$/i.test(contentEncoding.trim());
}

/**
 * A stream that inflates a gzip request body and fails with a RequestBodyError — 413 once the
 * inflated bytes pass `maxBytes`, 400 when the body is not gzip — instead of passing on more.
 */
export function inflatingBody(maxBytes: number): { input: NodeJS.WritableStream; output: Transform } {
  const gunzip = createGunzip();
  let inflated = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      inflated += chunk.length;
      if (inflated > maxBytes) {
        gunzip.destroy();
        done(new RequestBodyError(413, `Request refused: the gzip-compressed request body inflates to more than ${maxBytes} bytes. Fetch fewer refs at once.`));
        return;
      }
      done(null, chunk);
    },
  });
  gunzip.on('error', () => limiter.destroy(new RequestBodyError(400, 'the request body is not valid gzip (Content-Encoding: gzip)')));
  gunzip.pipe(limiter);
  return { input: gunzip, output: limiter };
}

/** A push's ref update section as the provider read it (pushCommandsLimit). */
export interface PushCommandsSection {
  /** The capabilities the client asked for on its first command (empty until that line is read). */
  capabilities: ReadonlySet<string>;
}

/**
 * A stream that passes a receive-pack request body on as it comes and fails with a 413
 * RequestBodyError once the pkt-lines before its first flush-pkt (the ref update commands) pass
 * `maxBytes`: git gets none of the chunk that passes it, so its input ends amid the commands and it
 * updates nothing. The pack after the flush-pkt is not looked at. A length that is no pkt-line's
 * ends the looking too: git refuses such a body itself. `section` holds the capabilities the first
 * command asked for, read on the way (what an answer of the provider's own may use).
 */
export function pushCommandsLimit(maxBytes: number): Transform & { section: PushCommandsSection } {
  const scanner = new PktLineScanner();
  const capabilities = new Set<string>();
  let capabilitiesRead = false;
  let sectionBytes = 0;
  let sectionDone = false;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      if (sectionDone) {
        done(null, chunk);
        return;
      }
      const i = scanner.scan(chunk, (line) => {
        if (line.kind === 'special') {
          sectionDone = true; // the flush-pkt that ends the commands
          return false;
        }
        if (!capabilitiesRead) capabilitiesRead = readCapabilities(line.payload, capabilities);
      });
      if (scanner.invalid) sectionDone = true;
      sectionBytes += i;
      if (sectionBytes > maxBytes) {
        done(new RequestBodyError(413, `Push refused: it updates too many refs at once (its ref update commands take more than ${maxBytes} bytes); nothing was updated. Push the refs in smaller batches, e.g. one refspec pattern per push.`));
        return;
      }
      done(null, chunk);
    },
  });
  return Object.assign(stream, { section: { capabilities } });
}

/** The capabilities after the NUL of a push's first command (`old new ref\0cap cap`); false on a line before it (shallow). */
export function readCapabilities(payload: Buffer, into: Set<string>): boolean {
  const nul = payload.indexOf(0);
  if (nul === -1) return false;
  for (const name of payload.subarray(nul + 1).toString('latin1').trim().split(' ')) if (name) into.add(name.split('=')[0]);
  return true;
}

/**
 * Reads the rest of a refused request body and drops it: git sends all of its body before it reads
 * the answer, and a connection closed under it shows only "RPC failed". Past `maxBytes` more, the
 * connection is closed.
 */
export function dropRequestBody(req: IncomingMessage, maxBytes: number): void {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > maxBytes) req.destroy();
  });
  req.resume();
}
