// The HTML of the standalone provider's device sign-in page (/login/device), in the provider's
// page template (../http/html-page.ts). Step 1: login, password, two-factor code and the device's code;
// step 2: the app and the scopes it asks for, Authorize or Deny; then the outcome.
import { CLASSIC_SCOPES } from '../../shared/classic-scopes';
import { escapeHtml } from '../../shared/html-escape';
import { errorBlock, htmlDocument as page } from '../http/html-page';

export function signInPage(opts: { csrf: string; error?: string; login?: string; userCode?: string }): string {
  return page(
    'Authorize a device',
    `${errorBlock(opts.error)}
<p class="hint">Sign in, then type the code your device shows (for example after <code>gh auth login</code>).</p>
<form method="post" action="/login/device">
<input type="hidden" name="csrf" value="${escapeHtml(opts.csrf)}">
<label for="login">Login or email</label><input id="login" name="login" autocomplete="username" required value="${escapeHtml(opts.login ?? '')}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<label for="otp">Two-factor code <span class="hint">(if you use two-factor authentication)</span></label><input id="otp" name="otp" autocomplete="one-time-code" inputmode="numeric">
<label for="user_code">Device code</label><input id="user_code" name="user_code" placeholder="ABCD-2345" required value="${escapeHtml(opts.userCode ?? '')}">
<button type="submit">Continue</button>
</form>`,
  );
}

/** The scopes an app asks for, each with what it allows. */
export function scopeListHtml(scopes: readonly string[]): string {
  return scopes.length
    ? `<ul data-testid="scopes">${scopes.map((s) => `<li><code>${escapeHtml(s)}</code> — ${escapeHtml(CLASSIC_SCOPES.find((c) => c.name === s)?.description ?? s)}</li>`).join('')}</ul>`
    : '<p data-testid="scopes">No scopes: public information only.</p>';
}

/** What a consent page asks: the app, who registered it, and whom its token acts as. */
export interface AppRequest {
  appName: string;
  appUrl: string;
  /** The app's owner's login; null for an app built in to the provider. */
  appOwner: string | null;
  login: string;
}

export function appRequestHtml(r: AppRequest): string {
  const owner = r.appOwner === null ? 'built in to this server' : `registered by <strong>${escapeHtml(r.appOwner)}</strong>`;
  return `<p><strong>${escapeHtml(r.appName)}</strong> (${escapeHtml(r.appUrl)}, <span data-testid="app-owner">${owner}</span>) will get a token to act as <strong>${escapeHtml(r.login)}</strong> with these scopes:</p>`;
}

export function confirmPage(opts: AppRequest & { csrf: string; ticket: string; scopes: readonly string[] }): string {
  const scopes = scopeListHtml(opts.scopes);
  return page(
    `Authorize ${opts.appName}?`,
    `${appRequestHtml(opts)}
${scopes}
<p class="hint">Only authorize a code you started yourself.</p>
<form method="post" action="/login/device/confirm">
<input type="hidden" name="csrf" value="${escapeHtml(opts.csrf)}">
<input type="hidden" name="ticket" value="${escapeHtml(opts.ticket)}">
<button type="submit" name="decision" value="approve">Authorize</button><button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

export function outcomePage(title: string, message: string): string {
  return page(title, `<p data-testid="outcome">${escapeHtml(message)}</p><p><a href="/login/device">Authorize another device</a></p>`);
}
