// The answer to an RPC refused while its body is still coming in chunks (a push of a pack past
// git's http.postBuffer, refused before git runs: rpc-refusal.ts). git's client sends all of its
// body whatever the answer, and shows the refusal only if its transfer ends well; a complete
// answer that closes the connection does not stop it either (curl stops sending, but git then sends
// the rest of its pack as a new RPC, which, not starting with git's commands, can only be refused
// with an HTTP status: tried with git 2.39 on a 16 MiB pack, git then prints after the refusal
// "error: RPC failed; HTTP 403 curl 22 …", "fatal: the remote end hung up unexpectedly" and even
// "Everything up-to-date", worse than the one "RPC failed; curl 18" line below). So the refusal goes out at once as the start of a chunked
// answer (git shows it: "remote: …"), and the body is read and dropped:
//  - when it ends within `allowanceBytes`, so does the answer: git exits with the refusal alone;
//  - past them, the connection is shut for writing without the answer's last chunk: git stops
//    sending ("error: RPC failed; curl 18 transfer closed with outstanding read data remaining",
//    after the refusal). What it still sends meanwhile is read and dropped until it closes its end
//    (a close with bytes unread would reset the connection, and git could see the reset before the
//    refusal), LINGER_MS at most.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a client that keeps sending after the answer's end is read before the connection is cut. */
const LINGER_MS = 5_000;

/** Answers `body` (chunked) while the request's body is dropped, as above. */
export function refuseChunkedBody(req: IncomingMessage, res: ServerResponse, headers: Record<string, string | number | string[] | undefined>, body: Buffer, allowanceBytes: number): void {
  const socket = req.socket;
  let bytes = 0;
  let cut = false;
  res.shouldKeepAlive = false;
  res.writeHead(200, headers);
  res.write(body);
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (cut || bytes <= allowanceBytes) return;
    cut = true;
    const linger = setTimeout(() => socket.destroy(), LINGER_MS);
    linger.unref();
    socket.once('close', () => clearTimeout(linger));
    socket.end();
  });
  req.on('end', () => {
    if (cut) socket.destroy();
    else res.end();
  });
  req.resume();
}
