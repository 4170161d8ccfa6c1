// Revoking reported leaked tokens (GitHub's credentials revocation API): every string that is a
// token of ours is revoked by its digest, each revocation committed together with its audit event
// (and, for a token waiting for an org's approval, its request's withdrawal).
// The caller learns nothing about which strings were tokens.
import { parseToken, tokenDigest } from '../../shared/token-format';
import { cancelRequestsOfRevoked } from '../approvals/approval-service';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit } from '../audit/audit';
import type { ProviderContext } from '../context';
import { withTransaction } from '../transaction';

const CREDENTIAL_REVOKE_REASON = 'Revoked through the credentials revocation API (reported as leaked)';

/** Revokes the tokens among `credentials`, reported from client address `ip`. */
export async function revokeLeakedCredentials(ctx: ProviderContext, ip: string, credentials: string[]): Promise<void> {
  const digests = [...new Set(credentials.filter((c) => parseToken(c) !== undefined).map(tokenDigest))];
  await withTransaction(ctx, async (tx) => {
    const revoked = await tx.store.tokens.revokeByDigests(digests, ctx.clock.now(), CREDENTIAL_REVOKE_REASON);
    for (const t of revoked) {
      const user = await tx.store.users.byId(t.userId);
      await audit(tx, { ip }, AUDIT_ACTIONS.patCredentialRevoked, {
        user,
        tokenId: t.id,
        data: { token_name: t.note, kind: t.kind, token_last_eight: t.tokenLastEight, source: 'credentials_revoke_api' },
      });
    }
    await cancelRequestsOfRevoked(tx, revoked, ip);
  });
}
