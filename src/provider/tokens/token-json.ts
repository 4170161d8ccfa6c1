// The token object of /user/personal-access-tokens. `token` (the secret) only when given — in the
// create and regenerate answers. A list is serialized with a fixed number of reads, whatever its
// length (resource owners, selected repositories and OAuth apps are read for all its tokens at once).
import type { TokenJson } from '../../shared/api-types';
import { apiBase, ProviderContext } from '../context';
import { oauthAppRefJson } from '../oauth/oauth-app-json';
import { accountKey } from '../repos/account-owner';
import type { ShownToken, TokenRecord } from '../store/tokens';
import { effectiveStatus } from './token-status';
import { selectedRepositoriesOf } from './selected-repositories';
import { isoTime, isoTimeOrNull } from '../iso-time';

export async function tokensJson(ctx: ProviderContext, tokens: readonly ShownToken[]): Promise<TokenJson[]> {
  const fineGrained = tokens.filter((t) => t.kind !== 'classic');
  const owners = fineGrained.flatMap((t) => (t.resourceOwnerId !== null && t.resourceOwnerType ? [{ type: t.resourceOwnerType, id: t.resourceOwnerId }] : []));
  const { selected, logins } = await selectedRepositoriesOf(ctx, fineGrained, owners);
  const clientIds = tokens.flatMap((t) => (t.kind === 'classic' && t.clientId ? [t.clientId] : []));
  const apps = new Map((await ctx.store.oauthApps.byClientIds(clientIds)).map((a) => [a.clientId, a]));
  const now = ctx.clock.now();
  return tokens.map((t) => {
    const out: TokenJson = {
      id: t.id,
      kind: t.kind,
      name: t.note,
      description: t.description,
      token_last_eight: t.tokenLastEight,
      status: effectiveStatus(t, now),
      status_reason: t.statusReason,
      expires_at: isoTimeOrNull(t.expiresAt),
      created_at: isoTime(t.createdAt),
      updated_at: isoTime(t.updatedAt),
      last_used_at: isoTimeOrNull(t.lastUsedAt),
      url: `${apiBase(ctx)}/user/personal-access-tokens/${t.id}`,
    };
    if (t.kind === 'classic') {
      out.scopes = t.scopes;
      out.note_url = t.noteUrl;
      out.fingerprint = t.fingerprint;
      out.client_id = t.clientId;
      const app = t.clientId ? apps.get(t.clientId) : undefined;
      out.oauth_app = app ? oauthAppRefJson(app) : null;
    } else {
      out.permissions = t.permissions ?? {};
      out.resource_owner = t.resourceOwnerId !== null && t.resourceOwnerType ? (logins.get(accountKey(t.resourceOwnerType, t.resourceOwnerId)) ?? null) : null;
      out.repository_selection = t.repositorySelection;
      if (t.repositorySelection === 'subset') out.repositories = selected.get(t.id) ?? [];
      out.justification = t.justification;
    }
    return out;
  });
}

export async function tokenJson(ctx: ProviderContext, t: TokenRecord, secret?: string): Promise<TokenJson> {
  const [json] = await tokensJson(ctx, [t]);
  // The secret right after `description`, where clients reading the create answer expect it.
  if (secret === undefined) return json;
  const { id, kind, name, description, ...rest } = json;
  return { id, kind, name, description, token: secret, ...rest };
}
