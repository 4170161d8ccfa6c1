// What a token kind (classic, fine-grained) implements for /user/personal-access-tokens, and the
// helpers the kinds share. The registry of kinds is kinds.ts.
import type { CreateTokenRequest, UpdateTokenRequest } from '../../shared/api-types';
import type { Principal } from '../auth/principal';
import type { ProviderContext } from '../context';
import type { TokenRecord, TokenUpdate } from '../store/tokens';
import type { TokenDraft } from './token-service';

export interface CreateInput {
  principal: Principal;
  body: CreateTokenRequest;
  /** Parsed expiry: a date, null (none requested) or undefined (not given). */
  expiresAt: Date | null | undefined;
  /** The caller's client address (for audit events). */
  ip: string | undefined;
}

interface UpdateInput {
  principal: Principal;
  token: TokenRecord;
  body: UpdateTokenRequest;
  expiresAt: Date | null | undefined;
  /** The caller's client address (for audit events). */
  ip: string | undefined;
}

interface RegenerateInput {
  principal: Principal;
  token: TokenRecord;
  expiresAt: Date | null | undefined;
  /** The caller's client address (for audit events). */
  ip: string | undefined;
}

export interface TokenKindHandler {
  /** Validates the request (422 naming the field) and returns the token to mint. */
  create(ctx: ProviderContext, input: CreateInput): Promise<TokenDraft>;
  /** Called after the token row exists (e.g. to record its repositories or an approval request). */
  afterCreate?(ctx: ProviderContext, token: TokenRecord, input: CreateInput): Promise<void>;
  /**
   * The store update for a PATCH, and whether it widens what the token may do (→ sudo). `after`
   * runs once the update is stored (e.g. a new resource owner or approval request) and may return
   * the token as it then is.
   */
  update(
    ctx: ProviderContext,
    input: UpdateInput,
  ): Promise<{ update: Omit<TokenUpdate, 'updatedAt'>; widens: boolean; after?: (updated: TokenRecord) => Promise<TokenRecord | undefined> }>;
  /**
   * The expiry to set on regeneration (undefined = keep), after policy checks; `after` runs once
   * the new secret is stored (e.g. a later expiry asking an org's owners again) and may return
   * the token as it then is.
   */
  regenerate(
    ctx: ProviderContext,
    input: RegenerateInput,
  ): Promise<{ expiresAt: Date | null | undefined; after?: (regenerated: TokenRecord) => Promise<TokenRecord | undefined> }>;
}

/** true when `next` expiry is later than `prev` (null = never expires). */
export function extendsExpiry(prev: Date | null, next: Date | null | undefined): boolean {
  if (next === undefined) return false;
  if (next === null) return prev !== null;
  return prev !== null && next.getTime() > prev.getTime();
}
