// A refusal of an RPC the provider makes itself — its request body refused on its way to git, or
// the whole RPC refused before git runs (rpc-refusal.ts) — worded in git's protocol so that the git
// client shows it. git shows no body of an RPC answered with an HTTP error (only "error: RPC
// failed; HTTP 413 curl 22 …"), so the answer is a 200 the client reads as the server's:
//  - a push that asked for a side band: the message on band 3 (git prints "remote: <message>" and
//    fails the push);
//  - a push that asked for report-status only: "unpack <message>" (git prints "error: remote
//    unpack failed: <message>");
//  - a fetch: an `ERR` pkt-line (git prints "fatal: remote error: <message>").
// A push that asked for neither has no way to show a message: undefined (the caller answers with
// the HTTP error).
import { FLUSH_PKT, pktLine } from './pkt-line';
import type { GitService } from './git-service';
import { printableText } from './printable-text';

/** The most message bytes one answer carries (an old side-band line holds 1000 bytes in all). */
const MAX_MESSAGE_BYTES = 990;

export interface GitProtocolAnswer {
  contentType: string;
  body: Buffer;
}

export function gitProtocolRefusal(service: GitService, capabilities: ReadonlySet<string>, message: string): GitProtocolAnswer | undefined {
  const text = Buffer.from(printableText(message), 'utf8').subarray(0, MAX_MESSAGE_BYTES).toString('utf8').replace(/\uFFFD$/, '');
  const contentType = `application/x-git-${service}-result`;
  if (service === 'upload-pack') return { contentType, body: pktLine(`ERR ${text}\n`) };
  if (capabilities.has('side-band-64k') || capabilities.has('side-band')) {
    return { contentType, body: Buffer.concat([pktLine(Buffer.concat([Buffer.from([3]), Buffer.from(text, 'utf8')])), FLUSH_PKT]) };
  }
  if (capabilities.has('report-status') || capabilities.has('report-status-v2')) {
    return { contentType, body: Buffer.concat([pktLine(`unpack ${text}\n`), FLUSH_PKT]) };
  }
  return undefined;
}
