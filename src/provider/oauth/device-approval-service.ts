// The person's side of the device flow: look up the user code shown on the device (which app,
// which scopes), then approve or deny it. Every typed code is a guess under the per-user limit
// (user-code-guesses.ts). Approving hands the device a token with those scopes, so the route needs
// sudo (fresh password + 2FA), as creating a token does; the approval itself is one atomic
// change from pending, so a code is approved or denied once. The standalone sign-in page confirms
// through a one-time ticket instead: issued after sign-in, taken by Authorize or Deny.
import type { DeviceAuthorizationJson } from '../../shared/api-types';
import { normalizeUserCode } from '../../shared/user-code';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit } from '../audit/audit';
import type { Caller } from '../authz/caller';
import { MINUTE } from '../clock';
import type { ProviderContext } from '../context';
import { HttpError, invalidField, notFound } from '../http/errors';
import type { DeviceCodeRecord } from '../store/device-codes';
import type { OAuthAppRecord } from '../store/oauth-apps';
import type { UserRecord } from '../store/users';
import { codeDigest, newTicket } from './device-codes';
import { appOwnerLogin } from './oauth-app-service';
import { deviceAuthorizationJson, deviceStatus } from './device-authorization-json';
import { guessUserCode } from './user-code-guesses';

const WRONG_CODE_MESSAGE = 'No device is waiting for this code: check the code the device shows';
const EXPIRED_CODE_MESSAGE = 'This code has expired: start again on the device to get a new one';
const USED_CODE_MESSAGE = 'This code has already been approved or denied';

/** How long the sign-in page's confirmation step waits for Authorize or Deny. */
const TICKET_LIFETIME_MS = 5 * MINUTE;
const CONFIRMATION_GONE_MESSAGE = 'This confirmation has expired or was already used. Sign in and type the device code again.';

interface WaitingDevice {
  code: DeviceCodeRecord;
  app: OAuthAppRecord;
}

/**
 * The live, pending device authorization of a typed user code, counted as one guess by `user`:
 * 422 for text that cannot be a code (not counted), 404 for a code no device is waiting with
 * (a wrong guess), 410 when it expired, 409 when it was already decided.
 */
export async function findWaitingDevice(ctx: ProviderContext, user: UserRecord, typed: string): Promise<WaitingDevice> {
  const userCode = normalizeUserCode(typed);
  if (!userCode) throw invalidField('user_code', 'must look like ABCD-2345 (eight letters and digits)');
  const found = await guessUserCode(ctx, user, async () => {
    const code = await ctx.store.deviceCodes.byUserCodeDigest(codeDigest(userCode));
    const app = code ? await ctx.store.oauthApps.byId(code.appId) : undefined;
    return code && app ? { wrong: false as const, value: { code, app } } : { wrong: true as const };
  });
  if (!found) throw notFound(WRONG_CODE_MESSAGE);
  const status = deviceStatus(found.code, ctx.clock.now());
  if (status === 'expired') throw new HttpError(410, EXPIRED_CODE_MESSAGE);
  if (status !== 'pending') throw new HttpError(409, USED_CODE_MESSAGE);
  return found;
}

export async function lookUpDevice(ctx: ProviderContext, caller: Caller, typed: string): Promise<DeviceAuthorizationJson> {
  const { code, app } = await findWaitingDevice(ctx, caller.principal.user, typed);
  return deviceAuthorizationJson(code, app, await appOwnerLogin(ctx, app), ctx.clock.now());
}

/** Approves or denies a waiting device for `user` (a found device, e.g. after the sign-in page's confirmation). */
async function decideDevice(
  ctx: ProviderContext,
  by: { user: UserRecord; ip: string | undefined },
  device: WaitingDevice,
  decision: 'approved' | 'denied',
): Promise<DeviceAuthorizationJson> {
  const now = ctx.clock.now();
  const decided = await ctx.store.deviceCodes.decide(device.code.id, decision, by.user.id, now);
  if (!decided) {
    const current = await ctx.store.deviceCodes.byId(device.code.id);
    if (current && deviceStatus(current, now) === 'expired') throw new HttpError(410, EXPIRED_CODE_MESSAGE);
    throw new HttpError(409, USED_CODE_MESSAGE);
  }
  await audit(ctx, by, decision === 'approved' ? AUDIT_ACTIONS.oauthDeviceAuthorize : AUDIT_ACTIONS.oauthDeviceDeny, {
    data: { application: device.app.name, client_id: device.app.clientId, scopes: decided.scopes },
  });
  return deviceAuthorizationJson(decided, device.app, await appOwnerLogin(ctx, device.app), now);
}

export async function decideByUserCode(ctx: ProviderContext, caller: Caller, typed: string, decision: 'approved' | 'denied'): Promise<DeviceAuthorizationJson> {
  const device = await findWaitingDevice(ctx, caller.principal.user, typed);
  return decideDevice(ctx, { user: caller.principal.user, ip: caller.ip }, device, decision);
}

/** A device authorization the caller decided (to follow it until the device has its token); 404 otherwise. */
export async function decidedDevice(ctx: ProviderContext, caller: Caller, id: number): Promise<DeviceAuthorizationJson> {
  const code = await ctx.store.deviceCodes.byId(id);
  const app = code ? await ctx.store.oauthApps.byId(code.appId) : undefined;
  if (!code || !app || code.userId !== caller.principal.user.id) throw notFound();
  return deviceAuthorizationJson(code, app, await appOwnerLogin(ctx, app), ctx.clock.now());
}

/**
 * The one-time ticket the sign-in page's confirmation form carries, for `user` and this waiting
 * device: it ends after five minutes or with the device code, whichever comes first.
 */
export async function issueConfirmationTicket(ctx: ProviderContext, user: UserRecord, device: WaitingDevice): Promise<string> {
  const ticket = newTicket();
  const expiresAt = new Date(Math.min(device.code.expiresAt.getTime(), ctx.clock.now().getTime() + TICKET_LIFETIME_MS));
  await ctx.store.deviceCodes.setTicket(device.code.id, { digest: codeDigest(ticket), userId: user.id, expiresAt });
  return ticket;
}

/**
 * Approves or denies the device a confirmation ticket was issued for, as the user who signed in;
 * the ticket is used up either way. 410 when it expired or was used already.
 */
export async function decideByTicket(ctx: ProviderContext, ip: string, ticket: string, decision: 'approved' | 'denied'): Promise<{ user: UserRecord; app: OAuthAppRecord }> {
  const taken = await ctx.store.deviceCodes.takeTicket(codeDigest(ticket), ctx.clock.now());
  const user = taken ? await ctx.store.users.byId(taken.userId) : undefined;
  const app = taken ? await ctx.store.oauthApps.byId(taken.code.appId) : undefined;
  if (!taken || !user || !app) throw new HttpError(410, CONFIRMATION_GONE_MESSAGE);
  await decideDevice(ctx, { user, ip }, { code: taken.code, app }, decision);
  return { user, app };
}
