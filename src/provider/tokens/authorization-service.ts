// GitHub's 2013 OAuth Authorizations API over the caller's classic tokens (the caller signed in
// with Basic + OTP on the request): a token made here is the sign-in of a client, so its sudo
// window opens now; get-or-create by client (and fingerprint) reopens an existing token's window
// instead. Notes stay unique per fingerprint. Each change commits together with its audit events.
import type { UpdateAuthorizationRequest } from '../../shared/api-types';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit } from '../audit/audit';
import type { Principal } from '../auth/principal';
import { SUDO_WINDOW_MS } from '../auth/sudo';
import { auditSourceOf, Caller } from '../authz/caller';
import type { ProviderContext } from '../context';
import { invalidField, notFound, validationFailed } from '../http/errors';
import { listPage, type Page } from '../http/pagination';
import type { TokenRecord } from '../store/tokens';
import { withTransaction } from '../transaction';
import { PERSONAL_CLIENT_ID } from './authorization-json';
import { validateScopes } from './scope-input';
import { MintedToken, mintToken } from './token-service';

interface NewAuthorization {
  scopes?: string[];
  note: string;
  noteUrl?: string;
  clientId?: string;
  fingerprint?: string;
}

/** An authorization found again (`secret` undefined) or made now. */
export interface AuthorizationOutcome {
  record: TokenRecord;
  secret?: string;
}

const listQuery = (userId: number) => ({ userId, kind: 'classic' as const, statuses: ['active' as const, 'expired' as const] });

async function ownClassic(ctx: ProviderContext, principal: Principal, id: number): Promise<TokenRecord> {
  const t = await ctx.store.tokens.byId(id);
  if (!t || t.userId !== principal.user.id || t.kind !== 'classic') throw notFound();
  return t;
}

async function assertNoteFree(ctx: ProviderContext, userId: number, note: string, fingerprint: string | null, exceptId?: number): Promise<void> {
  const other = await ctx.store.tokens.findByNote(userId, 'classic', note, fingerprint);
  if (other && other.id !== exceptId) {
    throw validationFailed([{ resource: 'OauthAccess', field: 'description', code: 'already_exists', message: `'${note}' is already the note of another token` }]);
  }
}

/** The creation's store work, inside the caller's transaction `tx`. */
async function mintAuthorization(tx: ProviderContext, caller: Caller, input: NewAuthorization): Promise<MintedToken> {
  const { principal } = caller;
  const scopes = validateScopes('scopes', input.scopes);
  await assertNoteFree(tx, principal.user.id, input.note, input.fingerprint ?? null);
  const now = tx.clock.now();
  const { record, secret } = await mintToken(tx, {
    userId: principal.user.id,
    kind: 'classic',
    note: input.note,
    noteUrl: input.noteUrl ?? null,
    clientId: input.clientId ?? null,
    fingerprint: input.fingerprint ?? null,
    scopes,
    status: 'active',
    expiresAt: null,
    sudoUntil: new Date(now.getTime() + SUDO_WINDOW_MS),
  });
  await audit(tx, auditSourceOf(caller), AUDIT_ACTIONS.userLogin, { data: { via: 'oauth_authorization' } });
  await audit(tx, auditSourceOf(caller), AUDIT_ACTIONS.oauthAuthorizationCreate, {
    tokenId: record.id,
    data: { note: record.note, scopes, token_last_eight: record.tokenLastEight, ...(record.clientId ? { client_id: record.clientId } : {}) },
  });
  return { record, secret };
}

export function createAuthorization(ctx: ProviderContext, caller: Caller, input: NewAuthorization): Promise<MintedToken> {
  return withTransaction(ctx, (tx) => mintAuthorization(tx, caller, input));
}

/**
 * The caller's token for `clientId` (and `fingerprint`), its sudo window opened again; or a new one
 * (its note defaulting to the client id and fingerprint).
 */
export function getOrCreateAuthorization(
  ctx: ProviderContext,
  caller: Caller,
  clientId: string,
  fingerprint: string | undefined,
  input: Omit<NewAuthorization, 'clientId' | 'fingerprint' | 'note'> & { note?: string },
): Promise<AuthorizationOutcome> {
  return withTransaction(ctx, async (tx) => {
    const existing = await tx.store.tokens.findByClient(caller.principal.user.id, clientId, fingerprint ?? null);
    if (existing) {
      await tx.store.tokens.setSudoUntil(existing.id, new Date(ctx.clock.now().getTime() + SUDO_WINDOW_MS));
      await audit(tx, auditSourceOf(caller), AUDIT_ACTIONS.userLogin, { data: { via: 'oauth_authorization' } });
      return { record: existing };
    }
    return mintAuthorization(tx, caller, {
      scopes: input.scopes,
      note: input.note ?? `${clientId}${fingerprint ? ` ${fingerprint}` : ''}`,
      noteUrl: input.noteUrl,
      clientId,
      fingerprint,
    });
  });
}

/**
 * One page of the caller's authorizations and how many there are; with `clientId`, only those whose
 * `app.client_id` it is (PERSONAL_CLIENT_ID: those made without a client).
 */
export async function listAuthorizations(ctx: ProviderContext, principal: Principal, clientId: string | undefined, page: Page): Promise<{ tokens: TokenRecord[]; total: number }> {
  const client = clientId === undefined ? {} : { clientId: clientId === PERSONAL_CLIENT_ID ? null : clientId };
  const query = { ...listQuery(principal.user.id), ...client };
  const { items, total } = await listPage(page, (window) => ctx.store.tokens.list({ ...query, ...window }), () => ctx.store.tokens.count(query));
  return { tokens: items, total };
}

export function readAuthorization(ctx: ProviderContext, principal: Principal, id: number): Promise<TokenRecord> {
  return ownClassic(ctx, principal, id);
}

/** One of `scopes`, `add_scopes`, `remove_scopes`; the note and fingerprint stay unique. */
export function updateAuthorization(ctx: ProviderContext, caller: Caller, id: number, b: UpdateAuthorizationRequest): Promise<TokenRecord> {
  const { principal } = caller;
  return withTransaction(ctx, async (tx) => {
    const t = await ownClassic(tx, principal, id);
    const given = (['scopes', 'add_scopes', 'remove_scopes'] as const).filter((k) => b[k] !== undefined);
    if (given.length > 1) throw invalidField(given[1], `cannot be combined with ${given[0]}`);
    let scopes: string[] | undefined;
    if (b.scopes !== undefined) scopes = validateScopes('scopes', b.scopes);
    else if (b.add_scopes !== undefined) scopes = validateScopes('add_scopes', [...t.scopes, ...validateScopes('add_scopes', b.add_scopes)]);
    else if (b.remove_scopes !== undefined) {
      const remove = new Set(validateScopes('remove_scopes', b.remove_scopes));
      scopes = t.scopes.filter((s) => !remove.has(s));
    }
    const note = b.note ?? t.note;
    const fingerprint = b.fingerprint ?? t.fingerprint;
    if (b.note !== undefined || b.fingerprint !== undefined) await assertNoteFree(tx, principal.user.id, note, fingerprint, t.id);
    // Basic + OTP on this request is fresh proof, so widening needs nothing more here.
    const updated = await tx.store.tokens.update(t.id, {
      scopes,
      note: b.note,
      noteUrl: b.note_url,
      fingerprint: b.fingerprint,
      updatedAt: ctx.clock.now(),
    });
    if (!updated) throw notFound();
    await audit(tx, auditSourceOf(caller), AUDIT_ACTIONS.oauthAuthorizationUpdate, {
      tokenId: t.id,
      data: { note: updated.note, scopes: updated.scopes, previous_scopes: t.scopes },
    });
    return updated;
  });
}

export function deleteAuthorization(ctx: ProviderContext, caller: Caller, id: number): Promise<void> {
  return withTransaction(ctx, async (tx) => {
    const t = await ownClassic(tx, caller.principal, id);
    await tx.store.tokens.delete(t.id);
    await audit(tx, auditSourceOf(caller), AUDIT_ACTIONS.oauthAuthorizationDestroy, {
      tokenId: t.id,
      data: { note: t.note, token_last_eight: t.tokenLastEight },
    });
  });
}
