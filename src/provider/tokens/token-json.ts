// The token object of /user/personal-access-tokens (DESIGN.md "Field names"). `token` (the
// secret) only when given — in the create and regenerate answers.
import type { TokenJson } from '../../shared/api-types';
import { apiBase, ProviderContext } from '../context';
import type { TokenRecord } from '../store/tokens';
import { effectiveStatus } from './token-status';
import { resourceOwnerLogin } from './resource-owner';
import { selectedRepositoriesJson } from './selected-repositories';

export async function tokenJson(ctx: ProviderContext, t: TokenRecord, secret?: string): Promise<TokenJson> {
  const out: TokenJson = {
    id: t.id,
    kind: t.kind,
    name: t.note,
    description: t.description,
    ...(secret !== undefined ? { token: secret } : {}),
    token_last_eight: t.tokenLastEight,
    status: effectiveStatus(t, ctx.clock.now()),
    expires_at: t.expiresAt?.toISOString() ?? null,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
    last_used_at: t.lastUsedAt?.toISOString() ?? null,
    url: `${apiBase(ctx)}/user/personal-access-tokens/${t.id}`,
  };
  if (t.kind === 'classic') {
    out.scopes = t.scopes;
    out.note_url = t.noteUrl;
    out.fingerprint = t.fingerprint;
    out.client_id = t.clientId;
  } else {
    out.permissions = t.permissions ?? {};
    out.resource_owner = await resourceOwnerLogin(ctx, t);
    out.repository_selection = t.repositorySelection;
    if (t.repositorySelection === 'subset') out.repositories = await selectedRepositoriesJson(ctx, t);
    out.justification = t.justification;
  }
  out.status_reason = t.statusReason;
  return out;
}
