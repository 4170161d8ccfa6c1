// Recording audit events: the one way the provider writes its audit log. The event is written
// through `ctx.store`, so inside a transaction (a context over the transaction's store) it commits
// or rolls back with the change it describes; a failure to record it fails the call. Never a
// secret: known secret-bearing keys are dropped and anything token-shaped is redacted.
import type { Principal } from '../auth/principal';
import type { ProviderContext } from '../context';
import type { TokenRecord } from '../store/tokens';
import type { UserRecord } from '../store/users';
import { sanitizeAuditData } from './audit-log';

/** Who acts (undefined: anonymous, or the provider itself) and from which client address. */
export interface AuditSource {
  user?: UserRecord;
  ip?: string;
}

/** What the event is about. */
interface AuditSubject {
  /** Whom it concerns (defaults to the acting user). */
  user?: UserRecord;
  org?: { id: number; login: string };
  tokenId?: number;
  /** Secret-free details. */
  data?: Record<string, unknown>;
}

export async function audit(ctx: Pick<ProviderContext, 'store' | 'clock'>, by: AuditSource, action: string, about: AuditSubject = {}): Promise<void> {
  const subject = about.user ?? by.user;
  await ctx.store.audit.append({
    action,
    createdAt: ctx.clock.now(),
    actorId: by.user?.id ?? null,
    actorLogin: by.user?.login ?? null,
    userId: subject?.id ?? null,
    userLogin: subject?.login ?? null,
    orgId: about.org?.id ?? null,
    orgLogin: about.org?.login ?? null,
    tokenId: about.tokenId ?? null,
    actorIp: by.ip ?? null,
    data: sanitizeAuditData(about.data ?? {}) as Record<string, unknown>,
  });
}

/** The caller of a request: its principal's user (if any) at its client address. */
export function requestSource(request: { principal?: Principal; ip: string }): AuditSource {
  return { user: request.principal?.user, ip: request.ip };
}

/** How an event names a token: its name, kind and last eight characters (never the secret). */
export function tokenAuditData(token: TokenRecord): Record<string, unknown> {
  return { token_name: token.note, kind: token.kind, token_last_eight: token.tokenLastEight };
}
