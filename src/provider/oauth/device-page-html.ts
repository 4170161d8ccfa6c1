// The HTML of the standalone provider's device sign-in page (/login/device): server-rendered, no
// script, every value escaped. Step 1: login, password, two-factor code and the device's code;
// step 2: the app and the scopes it asks for, Authorize or Deny; then the outcome.
import { CLASSIC_SCOPES } from '../../shared/classic-scopes';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Tessera</title>
<style>
body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1f2328}
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.45rem;font-size:1rem}
button{margin-top:1rem;padding:.5rem 1rem;font-size:1rem;margin-right:.5rem}
.error{color:#d1242f;border:1px solid #d1242f;padding:.5rem;border-radius:4px}
.hint{color:#59636e;font-size:.9rem}ul{padding-left:1.2rem}
</style></head><body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}

function errorBlock(error: string | undefined): string {
  return error ? `<p class="error" role="alert" data-testid="error">${escapeHtml(error)}</p>` : '';
}

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

export function confirmPage(opts: { csrf: string; ticket: string; login: string; appName: string; appUrl: string; scopes: readonly string[] }): string {
  const scopes = opts.scopes.length
    ? `<ul data-testid="scopes">${opts.scopes.map((s) => `<li><code>${escapeHtml(s)}</code> — ${escapeHtml(CLASSIC_SCOPES.find((c) => c.name === s)?.description ?? s)}</li>`).join('')}</ul>`
    : '<p data-testid="scopes">No scopes: public information only.</p>';
  return page(
    `Authorize ${opts.appName}?`,
    `<p><strong>${escapeHtml(opts.appName)}</strong> (${escapeHtml(opts.appUrl)}) will get a token to act as <strong>${escapeHtml(opts.login)}</strong> with these scopes:</p>
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
