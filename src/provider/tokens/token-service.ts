// The personal access tokens of a user (classic and fine-grained): create, change, expire,
// regenerate and delete, each as one transaction with its audit event. The secret exists only in
// the answer: the store gets its SHA-256 digest and last eight characters.
import type { CreateTokenRequest, RegenerateTokenRequest, UpdateTokenRequest } from '../../shared/api-types';
import { generateToken, lastEight, tokenDigest } from '../../shared/token-format';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit, tokenAuditData } from '../audit/audit';
import type { Principal } from '../auth/principal';
import { assertSudo } from '../auth/sudo';
import { auditSourceOf, Caller } from '../authz/caller';
import type { ProviderContext } from '../context';
import { HttpError, invalidField, notFound, validationFailed } from '../http/errors';
import { UniqueViolation } from '../store/errors';
import type { NewToken, TokenRecord } from '../store/tokens';
import { withTransaction } from '../transaction';
import { parseExpiryInput } from './expiry';
import { TOKEN_KINDS } from './kinds';
import { isExpired } from './token-status';
import { isoTimeOrNull } from '../iso-time';

export type TokenDraft = Omit<NewToken, 'tokenLastEight' | 'hashedToken' | 'createdAt'>;

export interface MintedToken {
  record: TokenRecord;
  /** The secret: put it in the answer once, never anywhere else. */
  secret: string;
}

export async function mintToken(ctx: ProviderContext, draft: TokenDraft): Promise<MintedToken> {
  for (let attempt = 0; ; attempt++) {
    const secret = generateToken(draft.kind);
    try {
      // Its own (nested) transaction, so a collision leaves an enclosing one usable.
      const record = await ctx.store.transaction((tx) =>
        tx.tokens.create({ ...draft, tokenLastEight: lastEight(secret), hashedToken: tokenDigest(secret), createdAt: ctx.clock.now() }),
      );
      return { record, secret };
    } catch (err) {
      // A digest collision among 62^30 secrets: try a new secret (bounded).
      if (!(err instanceof UniqueViolation) || err.field !== 'hashed_token' || attempt >= 3) throw err;
    }
  }
}

export const REGENERATION_CONFLICT_MESSAGE = 'Conflict: another request regenerated this token at the same time, and only that request got the new secret';

/**
 * New secret for the same id and grants; the sudo window only with `keepSudo` (it was earned with
 * the old secret); `expiresAt` undefined keeps the current expiry. The
 * secret replaced is the one `token` was read with: when another regeneration replaced it first,
 * 409 (so every secret handed out worked when it was handed out); when the token is gone, 404.
 */
async function regenerateSecret(ctx: ProviderContext, token: TokenRecord, expiresAt: Date | null | undefined, keepSudo: boolean): Promise<MintedToken> {
  for (let attempt = 0; ; attempt++) {
    const secret = generateToken(token.kind);
    try {
      const record = await ctx.store.transaction(async (tx) => {
        const replaced = await tx.tokens.replaceSecret(token.id, {
          previousDigest: token.hashedToken,
          hashedToken: tokenDigest(secret),
          tokenLastEight: lastEight(secret),
          expiresAt,
          updatedAt: ctx.clock.now(),
        });
        if (!replaced) {
          if (!(await tx.tokens.byId(token.id))) throw notFound();
          throw new HttpError(409, REGENERATION_CONFLICT_MESSAGE);
        }
        // A new secret starts a new lifetime: org lifetime caps count from here (policies/token-lifetime.ts).
        await tx.fineGrainedTokens.setIssuedAt(token.id, ctx.clock.now());
        // Nor does it inherit the sudo window (that proof was made with the secret it replaces),
        // unless the holder who made it is the one getting the new secret.
        if (replaced.sudoUntil && !keepSudo) {
          await tx.tokens.setSudoUntil(token.id, null);
          return { ...replaced, sudoUntil: null };
        }
        return replaced;
      });
      return { record, secret };
    } catch (err) {
      if (!(err instanceof UniqueViolation) || attempt >= 3) throw err;
    }
  }
}

/** The caller's own classic or fine-grained token with this id (404 otherwise). */
export async function ownToken(ctx: ProviderContext, principal: Principal, id: number): Promise<TokenRecord> {
  const t = await ctx.store.tokens.byId(id);
  if (!t || t.userId !== principal.user.id || t.kind === 'account') throw notFound();
  return t;
}

async function assertNameFree(ctx: ProviderContext, t: { userId: number; kind: TokenRecord['kind']; note: string; fingerprint?: string | null }, exceptId?: number) {
  const other = await ctx.store.tokens.findByNote(t.userId, t.kind, t.note, t.fingerprint ?? null);
  if (other && other.id !== exceptId) {
    throw validationFailed([{ resource: 'PersonalAccessToken', field: 'name', code: 'already_exists', message: 'is already the name of another of your tokens' }]);
  }
}

function kindOf(token: TokenRecord): 'classic' | 'fine_grained' {
  return token.kind === 'classic' ? 'classic' : 'fine_grained';
}

export async function createToken(ctx: ProviderContext, caller: Caller, body: CreateTokenRequest): Promise<MintedToken> {
  const kind = body.kind ?? 'classic';
  if (kind === 'fine_grained' && body.scopes !== undefined) throw invalidField('scopes', 'is only for classic tokens (fine-grained tokens have permissions)');
  const expiresAt = parseExpiryInput(body, ctx.clock.now());
  return withTransaction(ctx, async (tx) => {
    const input = { principal: caller.principal, body, expiresAt, ip: caller.ip };
    const draft = await TOKEN_KINDS[kind].create(tx, input);
    await assertNameFree(tx, draft);
    const { record, secret } = await mintToken(tx, draft);
    await TOKEN_KINDS[kind].afterCreate?.(tx, record, input);
    await audit(tx, auditSourceOf(caller), AUDIT_ACTIONS.patCreate, {
      tokenId: record.id,
      data: {
        ...tokenAuditData(record),
        expires_at: isoTimeOrNull(record.expiresAt),
        ...(record.kind === 'classic' ? { scopes: record.scopes } : { permissions: record.permissions }),
      },
    });
    return { record: (await tx.store.tokens.byId(record.id)) ?? record, secret };
  });
}

/**
 * PATCH: a revoked token may only be renamed or described; fields of the other kind are refused;
 * widening what the token may do (or reviving an expired one) needs sudo; the name stays unique;
 * a new expiry starts a new lifetime.
 */
export async function updateToken(ctx: ProviderContext, caller: Caller, id: number, body: UpdateTokenRequest): Promise<TokenRecord> {
  const { principal } = caller;
  return withTransaction(ctx, async (tx) => {
    const token = await ownToken(tx, principal, id);
    const now = ctx.clock.now();
    const expiresAt = parseExpiryInput(body, now);
    // A revoked token can still be renamed or described, nothing else (a new owner or selection
    // would make it active again).
    if (token.status === 'revoked' && Object.keys(body).some((k) => k !== 'name' && k !== 'description')) {
      throw invalidField('status', 'the token was revoked: create a new one', 'unprocessable');
    }
    const kind = kindOf(token);
    if (kind === 'classic') {
      for (const f of ['resource_owner', 'repository_selection', 'repositories', 'justification'] as const) {
        if (body[f] !== undefined) throw invalidField(f, 'is only for fine-grained tokens');
      }
    }
    const { update, widens, after } = await TOKEN_KINDS[kind].update(tx, { principal, token, body, expiresAt, ip: caller.ip });
    // Reviving an expired token is widening too.
    if (widens || (isExpired(token, now) && expiresAt !== undefined)) assertSudo(principal, ctx.clock);
    if (body.name !== undefined) await assertNameFree(tx, { ...token, note: body.name }, token.id);
    const updated = await tx.store.tokens.update(token.id, { ...update, note: body.name, description: body.description, updatedAt: now });
    if (!updated) throw notFound();
    // A new expiry starts a new lifetime, whatever the kind: org lifetime caps count from here.
    if (expiresAt !== undefined) await tx.store.fineGrainedTokens.setIssuedAt(token.id, now);
    const result = (await after?.(updated)) ?? updated;
    await audit(tx, auditSourceOf(caller), AUDIT_ACTIONS.patUpdate, {
      tokenId: token.id,
      data: { token_name: updated.note, fields: Object.keys(body), widened: widens },
    });
    return result;
  });
}

/** Expire now: the expiry becomes this instant (narrowing: no sudo); an expired token stays as it was. */
export async function expireToken(ctx: ProviderContext, caller: Caller, id: number): Promise<TokenRecord> {
  return withTransaction(ctx, async (tx) => {
    const token = await ownToken(tx, caller.principal, id);
    const now = ctx.clock.now();
    if (token.status === 'revoked') throw invalidField('status', 'the token was revoked: there is nothing to expire', 'unprocessable');
    if (token.status === 'expired' || isExpired(token, now)) return token;
    const updated = await tx.store.tokens.update(token.id, { expiresAt: now, updatedAt: now });
    if (!updated) throw notFound();
    await audit(tx, auditSourceOf(caller), AUDIT_ACTIONS.patUpdate, {
      tokenId: token.id,
      data: { token_name: updated.note, fields: ['expires_at'], expired_now: true, widened: false },
    });
    return updated;
  });
}

/**
 * A new secret for `token` as the request found it when it arrived (an expired one needs a new
 * expiry), within its kind's lifetime rules (a later expiry of a token an org must approve, or any
 * new expiry of one it denied, asks its owners again); a regeneration that overlaps another is a 409.
 */
export async function regenerateToken(ctx: ProviderContext, caller: Caller, token: TokenRecord, body: RegenerateTokenRequest): Promise<MintedToken> {
  return withTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    if (token.status === 'revoked') throw invalidField('status', 'the token was revoked: create a new one', 'unprocessable');
    const requested = parseExpiryInput(body, now);
    if (requested === undefined && isExpired(token, now)) {
      throw invalidField('expires_at', 'is required: the token has expired, give it a new expiry (or null for none)', 'missing_field');
    }
    const { expiresAt, after } = await TOKEN_KINDS[kindOf(token)].regenerate(tx, { principal: caller.principal, token, expiresAt: requested, ip: caller.ip });
    // A token regenerating itself keeps its window: its holder proved the password with it and gets the new secret.
    const minted = await regenerateSecret(tx, token, expiresAt, caller.principal.token?.id === token.id);
    const record = (await after?.(minted.record)) ?? minted.record;
    await audit(tx, auditSourceOf(caller), AUDIT_ACTIONS.patRegenerated, {
      tokenId: token.id,
      data: { ...tokenAuditData(record), expires_at: isoTimeOrNull(record.expiresAt) },
    });
    return { record, secret: minted.secret };
  });
}

export async function deleteToken(ctx: ProviderContext, caller: Caller, id: number): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const token = await ownToken(tx, caller.principal, id);
    await tx.store.tokens.delete(token.id);
    await audit(tx, auditSourceOf(caller), AUDIT_ACTIONS.patDestroy, { tokenId: token.id, data: tokenAuditData(token) });
  });
}
