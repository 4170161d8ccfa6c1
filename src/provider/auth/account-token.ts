// Method 4 of DESIGN.md: Basic `{email}/token:{tsa_...}` — a Zendesk-style account API token made
// by an org owner, acting as the org member with that email on that org's resources only.
// The provider core recognises the shape and hands it to `ctx.accountTokens`; the
// organizations issue supplies the real implementation (replace `refuseAccountTokens` in
// index.ts / context wiring).
import type { ProviderContext } from '../context';
import { badCredentials } from '../http/errors';
import type { Principal } from './principal';

export type AccountTokenAuthenticator = (ctx: ProviderContext, email: string, token: string, ip: string) => Promise<Principal>;

/** `{email}/token` as a Basic username: the email, else undefined. */
export function accountTokenEmail(username: string): string | undefined {
  const m = /^(.+)\/token$/.exec(username);
  return m ? m[1] : undefined;
}

/** Until organizations exist no account token can be valid. */
export const refuseAccountTokens: AccountTokenAuthenticator = async () => {
  throw badCredentials();
};
