// Minting and regenerating secrets. The secret exists only in the answer: the store gets its
// SHA-256 digest and last eight characters.
import { generateToken, lastEight, tokenDigest } from '../../shared/token-format';
import type { ProviderContext } from '../context';
import { HttpError, notFound } from '../http/errors';
import { UniqueViolation } from '../store/errors';
import type { NewToken, TokenRecord } from '../store/tokens';

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
      const record = await ctx.store.tokens.create({
        ...draft,
        tokenLastEight: lastEight(secret),
        hashedToken: tokenDigest(secret),
        createdAt: ctx.clock.now(),
      });
      return { record, secret };
    } catch (err) {
      // A digest collision among 62^30 secrets: try a new secret (bounded).
      if (!(err instanceof UniqueViolation) || err.field !== 'hashed_token' || attempt >= 3) throw err;
    }
  }
}

export const REGENERATION_CONFLICT_MESSAGE = 'Conflict: another request regenerated this token at the same time, and only that request got the new secret';

/**
 * New secret for the same id and grants; `expiresAt` undefined keeps the current expiry. The
 * secret replaced is the one `token` was read with: when another regeneration replaced it first,
 * 409 (so every secret handed out worked when it was handed out); when the token is gone, 404.
 */
export async function regenerateSecret(ctx: ProviderContext, token: TokenRecord, expiresAt?: Date | null): Promise<MintedToken> {
  for (let attempt = 0; ; attempt++) {
    const secret = generateToken(token.kind);
    try {
      const record = await ctx.store.tokens.replaceSecret(token.id, {
        previousDigest: token.hashedToken,
        hashedToken: tokenDigest(secret),
        tokenLastEight: lastEight(secret),
        expiresAt,
        updatedAt: ctx.clock.now(),
      });
      if (!record) {
        if (!(await ctx.store.tokens.byId(token.id))) throw notFound();
        throw new HttpError(409, REGENERATION_CONFLICT_MESSAGE);
      }
      // A new secret starts a new lifetime: org lifetime caps count from here (policies/token-lifetime.ts).
      await ctx.store.fineGrainedTokens.setIssuedAt(token.id, ctx.clock.now());
      return { record, secret };
    } catch (err) {
      if (!(err instanceof UniqueViolation) || attempt >= 3) throw err;
    }
  }
}
