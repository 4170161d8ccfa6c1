// The token a keep-alive connection presented last, with its kind and SHA-256 digest, so the next
// request on that connection that presents the same token is not hashed again. Clients keep one
// connection and send the same Authorization header on every request (git, Octokit, the
// extension, autocannon); in the running server, hashing it is the largest single cost of a
// request the principal cache answers (3-4 µs of CPU measured in place under load, against 0.7 µs
// in a loop, where the caches stay warm).
//  - Memory only, in a WeakMap keyed by the connection's socket: it goes with the connection.
//  - Reused only for a token equal to the one this connection presented last, compared in
//    constant time (a proxy may carry several users' requests over one upstream connection).
//  - It saves the hashing and nothing else: every token authentication (auth/token-auth.ts, the
//    fast lane's peekToken included) still looks the digest up and runs every check on the record.
// One per provider (ctx.connectionTokens).
import { equalInConstantTime } from '../../shared/constant-time';
import { tokenDigest, tokenKindByShape, type TokenKind } from '../../shared/token-format';

/** A token as presented: its kind by shape and its SHA-256 (hex and bytes). Checksum not checked. */
export interface PresentedToken {
  readonly kind: TokenKind;
  readonly digest: string;
  readonly digestBytes: Buffer;
}

/** The token's kind and digest; undefined when it does not have a token's shape. */
export function presentToken(secret: string): PresentedToken | undefined {
  const kind = tokenKindByShape(secret);
  if (!kind) return undefined;
  const digest = tokenDigest(secret);
  return { kind, digest, digestBytes: Buffer.from(digest, 'hex') };
}

export interface ConnectionTokens {
  /** presentToken(secret), taken from what `connection` presented last when it is the same token. */
  presented(connection: object, secret: string): PresentedToken | undefined;
}

export function connectionTokens(): ConnectionTokens {
  const last = new WeakMap<object, { secret: string; presented: PresentedToken }>();
  return {
    presented(connection, secret) {
      const previous = last.get(connection);
      if (previous && equalInConstantTime(previous.secret, secret)) return previous.presented;
      const presented = presentToken(secret);
      if (presented) last.set(connection, { secret, presented });
      else last.delete(connection);
      return presented;
    },
  };
}
