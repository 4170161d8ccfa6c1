// The HTML of the OAuth web flow's page (/login/oauth/authorize), in the provider's page template
// (../http/html-page.ts). Step 1: sign in (login, password, two-factor code), the app's request
// carried in hidden fields; step 2: the app, the scopes and where the person goes back to,
// Authorize or Deny; a page for a request that cannot go on.
import { escapeHtml } from '../../shared/html-escape';
import { errorBlock, htmlDocument } from '../http/html-page';
import { AppRequest, appRequestHtml, scopeListHtml } from './device-page-html';
import type { AuthorizeParameters } from './web-flow-service';

function hidden(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}

export function authorizeSignInPage(opts: { csrf: string; appName: string; params: AuthorizeParameters; error?: string; login?: string }): string {
  const p = opts.params;
  return htmlDocument(
    `Sign in to authorize ${opts.appName}`,
    `${errorBlock(opts.error)}
<p class="hint">${escapeHtml(opts.appName)} asks to act on your behalf. Sign in to see what it asks for.</p>
<form method="post" action="/login/oauth/authorize">
${hidden('csrf', opts.csrf)}${hidden('client_id', p.client_id)}${hidden('redirect_uri', p.redirect_uri)}${hidden('scope', p.scope)}${hidden('state', p.state)}
<label for="login">Login or email</label><input id="login" name="login" autocomplete="username" required value="${escapeHtml(opts.login ?? '')}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<label for="otp">Two-factor code <span class="hint">(if you use two-factor authentication)</span></label><input id="otp" name="otp" autocomplete="one-time-code" inputmode="numeric">
<button type="submit">Sign in</button>
</form>`,
  );
}

export function authorizeConfirmPage(opts: AppRequest & { csrf: string; ticket: string; scopes: readonly string[]; returnTo: string }): string {
  return htmlDocument(
    `Authorize ${opts.appName}?`,
    `${appRequestHtml(opts)}
${scopeListHtml(opts.scopes)}
<p class="hint">Either way you go back to <code data-testid="return-to">${escapeHtml(opts.returnTo)}</code>.</p>
<form method="post" action="/login/oauth/authorize/confirm">
${hidden('csrf', opts.csrf)}${hidden('ticket', opts.ticket)}
<button type="submit" name="decision" value="approve">Authorize</button><button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

export function authorizeProblemPage(title: string, message: string): string {
  return htmlDocument(title, `<p data-testid="outcome">${escapeHtml(message)}</p>`);
}
