// The one SecretStorage value per account (keyed by provider origin + user id): the account's
// admin token (its credential — never the password), the session tokens other extensions got,
// and the secrets of tokens the user minted that git may use. Pure: parse, validate, diff.

const SECRET_KEY_PREFIX = 'tessera.account:';
const SECRETS_VERSION = 1;

interface AccountIdentity {
  readonly providerOrigin: string;
  readonly userId: number;
  readonly login: string;
  /** undefined (left out of the stored value): unknown. */
  readonly twoFactorEnabled: boolean | undefined;
}

export interface StoredSession {
  /** The session id handed to VS Code: `${accountId}/${tokenId}`. */
  readonly id: string;
  readonly tokenId: number;
  /** The scopes as requested, canonical form (scope-grammar.ts canonicalScopes). */
  readonly scopes: readonly string[];
  readonly kind: 'classic' | 'fine_grained';
  readonly token: string;
  readonly createdAt: string;
  /**
   * When the token stops working (ISO 8601), as the provider last said: null for no expiry;
   * absent in values stored before it was recorded (unknown: only the provider can tell).
   */
  readonly expiresAt?: string | null;
}

interface StoredToken {
  readonly tokenId: number;
  readonly token: string;
}

export interface AccountSecrets {
  readonly v: typeof SECRETS_VERSION;
  /** A non-secret copy of the account's identity, so another window can discover the account. */
  readonly account: AccountIdentity;
  readonly admin: { readonly tokenId: number; readonly token: string; readonly createdAt: string };
  readonly sessions: readonly StoredSession[];
  readonly tokens: readonly StoredToken[];
}

export function accountIdOf(providerOrigin: string, userId: number): string {
  return `${providerOrigin}#${userId}`;
}

export function secretKeyOf(accountId: string): string {
  return SECRET_KEY_PREFIX + accountId;
}

export function accountIdFromSecretKey(key: string): string | undefined {
  return key.startsWith(SECRET_KEY_PREFIX) ? key.slice(SECRET_KEY_PREFIX.length) : undefined;
}

export function sessionIdOf(accountId: string, tokenId: number): string {
  return `${accountId}/${tokenId}`;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Parses a stored value; undefined when absent or not a value this version understands. */
export function parseAccountSecrets(raw: string | undefined): AccountSecrets | undefined {
  if (!raw) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isObj(v) || v.v !== SECRETS_VERSION || !isObj(v.account) || !isObj(v.admin)) return undefined;
  const a = v.account;
  if (typeof a.providerOrigin !== 'string' || typeof a.userId !== 'number' || typeof a.login !== 'string') return undefined;
  if (typeof v.admin.token !== 'string' || typeof v.admin.tokenId !== 'number') return undefined;
  const sessions = Array.isArray(v.sessions)
    ? v.sessions.filter(
        (s): s is StoredSession =>
          isObj(s) && typeof s.id === 'string' && typeof s.tokenId === 'number' && typeof s.token === 'string' && Array.isArray(s.scopes),
      )
    : [];
  const tokens = Array.isArray(v.tokens)
    ? v.tokens.filter((t): t is StoredToken => isObj(t) && typeof t.tokenId === 'number' && typeof t.token === 'string')
    : [];
  return {
    v: SECRETS_VERSION,
    account: { providerOrigin: a.providerOrigin, userId: a.userId, login: a.login, twoFactorEnabled: typeof a.twoFactorEnabled === 'boolean' ? a.twoFactorEnabled : undefined },
    admin: { tokenId: v.admin.tokenId, token: v.admin.token, createdAt: typeof v.admin.createdAt === 'string' ? v.admin.createdAt : '' },
    sessions: sessions.map(({ expiresAt, ...s }) => ({
      ...s,
      kind: s.kind === 'fine_grained' ? 'fine_grained' : 'classic',
      scopes: [...s.scopes],
      ...(expiresAt === null || typeof expiresAt === 'string' ? { expiresAt } : {}),
    })),
    tokens,
  };
}

export function serializeAccountSecrets(s: AccountSecrets): string {
  return JSON.stringify(s);
}

export interface SessionDiff {
  readonly added: StoredSession[];
  readonly removed: StoredSession[];
  readonly changed: StoredSession[];
}

/** What changed between two versions of an account's sessions (by session id). */
export function diffSessions(before: readonly StoredSession[], after: readonly StoredSession[]): SessionDiff {
  const b = new Map(before.map((s) => [s.id, s]));
  const a = new Map(after.map((s) => [s.id, s]));
  return {
    added: after.filter((s) => !b.has(s.id)),
    removed: before.filter((s) => !a.has(s.id)),
    changed: after.filter((s) => b.has(s.id) && b.get(s.id)!.token !== s.token),
  };
}

/** True when the session's recorded expiry has passed at `now` (ms); never when none is recorded. */
export function sessionExpired(s: StoredSession, now: number): boolean {
  if (!s.expiresAt) return false;
  const ms = Date.parse(s.expiresAt);
  return !Number.isNaN(ms) && ms <= now;
}

/** Every token secret of the account that git may use (sessions and remembered tokens), by id. */
export function usableTokenSecrets(s: AccountSecrets): Map<number, string> {
  const m = new Map<number, string>();
  for (const t of s.tokens) m.set(t.tokenId, t.token);
  for (const x of s.sessions) m.set(x.tokenId, x.token);
  return m;
}
