// The token an OAuth app receives at the end of either flow (the device grant or the web flow's
// authorization code): a classic token of the approving user with the granted scopes, named after
// the app, carrying its client id, with no expiry (as GitHub's OAuth tokens), listed and revocable
// with the user's other tokens. It is minted in the same transaction that marks the grant used,
// so a grant gives one token even to racing requests; audited as oauth_access.create.
import type { AccessTokenResponse } from '../../shared/api-types';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit } from '../audit/audit';
import type { ProviderContext } from '../context';
import type { OAuthAppRecord } from '../store/oauth-apps';
import { mintToken } from '../tokens/token-service';
import { withTransaction } from '../transaction';
import { OAuthError, type OAuthErrorCode } from './oauth-error';

interface OAuthGrant {
  app: OAuthAppRecord;
  /** The user who approved it. */
  userId: number | null;
  scopes: string[];
  /** How the app was authorized, for the token's description. */
  flow: 'the device flow' | 'the web flow';
  /** The grant's own mark on its token (e.g. `device-12`). */
  fingerprint: string;
  /** Marks the grant used by the token made (inside the transaction); false when another request used it first. */
  markUsed(tx: ProviderContext, tokenId: number): Promise<boolean>;
  /** What the app hears when the grant was used meanwhile or its user is gone. */
  refusal: OAuthErrorCode;
}

export async function issueOAuthToken(ctx: ProviderContext, grant: OAuthGrant, ip: string): Promise<AccessTokenResponse> {
  const { app } = grant;
  return withTransaction(ctx, async (tx) => {
    const user = grant.userId !== null ? await tx.store.users.byId(grant.userId) : undefined;
    if (!user) throw new OAuthError(grant.refusal);
    const { record, secret } = await mintToken(tx, {
      userId: user.id,
      kind: 'classic',
      note: app.name,
      description: `Authorized with ${grant.flow} for ${app.name}`,
      noteUrl: app.url,
      clientId: app.clientId,
      fingerprint: grant.fingerprint,
      scopes: grant.scopes,
      status: 'active',
      expiresAt: null,
    });
    // Only one request may use the grant: a second one finds it used and rolls its token back.
    if (!(await grant.markUsed(tx, record.id))) throw new OAuthError(grant.refusal);
    await audit(tx, { user, ip }, AUDIT_ACTIONS.oauthAccessCreate, {
      tokenId: record.id,
      data: { application: app.name, client_id: app.clientId, scopes: record.scopes, token_last_eight: record.tokenLastEight },
    });
    return { access_token: secret, token_type: 'bearer', scope: record.scopes.join(',') };
  });
}
