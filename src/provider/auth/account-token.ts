// Authentication method 4 (docs/architecture.md): Basic `{email}/token:{tsa_...}` — a Zendesk-style account API token made
// by an org owner. It acts as the org's active member with that email, on that org's resources
// only (authz/organization-guards.ts), on routes that declare `accountToken: true`. A wrong or
// inactive token, an email of no active member of the token's org, or a revoked token all answer
// the same 401 "Bad credentials".
import { timingSafeEqual } from 'node:crypto';
import { parseToken, tokenDigest } from '../../shared/token-format';
import type { ProviderContext } from '../context';
import { badCredentials } from '../http/errors';
import { activeRole } from '../orgs/org-roles';
import type { Principal } from './principal';
import { recordTokenUse } from './token-auth';

export type AccountTokenAuthenticator = (ctx: ProviderContext, email: string, token: string, ip: string) => Promise<Principal>;

/** `{email}/token` as a Basic username: the email, else undefined. */
export function accountTokenEmail(username: string): string | undefined {
  const m = /^(.+)\/token$/.exec(username);
  return m ? m[1] : undefined;
}

export const authenticateAccountToken: AccountTokenAuthenticator = async (ctx, email, secret) => {
  if (parseToken(secret) !== 'account') throw badCredentials(); // shape or checksum: no look-up
  const digest = tokenDigest(secret);
  const token = await ctx.store.tokens.byDigest(digest);
  if (!token || token.kind !== 'account' || !timingSafeEqual(Buffer.from(token.hashedToken, 'hex'), Buffer.from(digest, 'hex'))) {
    throw badCredentials();
  }
  if (token.status !== 'active') throw badCredentials();
  const now = ctx.clock.now();
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) throw badCredentials();
  const account = await ctx.store.accountTokens.get(token.id);
  if (!account?.active) throw badCredentials();
  const user = email.length <= 320 ? await ctx.store.users.byEmail(email) : undefined;
  if (!user || !(await activeRole(ctx, account.orgId, user.id))) throw badCredentials();
  return { user, token: await recordTokenUse(ctx, token), method: 'account-token', freshProof: false, orgId: account.orgId };
};
