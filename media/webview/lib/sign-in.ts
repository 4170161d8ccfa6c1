// An ended sign-in: when a call comes back 'signed-out' (this editor's sign-in token was revoked,
// deleted or expired), the page shows "Sign In" at its top, next to what the person entered (which
// stays). The extension signs in again at the provider where the sign-in ended; then they retry.
// The banner goes once a call succeeds again (signing in here, or anywhere else).
import { html, nothing, type TemplateResult } from 'lit';
import { SIGN_IN_CALL, type SignInResult } from '../../../src/shared/webview-protocol';
import { call, onReply } from './vscode-api';

let ended = false;
let signingIn = false;
let redraw: () => void = () => undefined;

/** Follows the replies of this page's calls; `draw` redraws the page when the banner comes or goes. */
export function watchSignIn(draw: () => void): void {
  redraw = draw;
  onReply((method, error) => {
    if (method === SIGN_IN_CALL) return; // its answer says whether signing in worked
    const now = error ? error.kind === 'signed-out' || ended : false;
    if (now !== ended) {
      ended = now;
      redraw();
    }
  });
}

async function signIn(): Promise<void> {
  if (signingIn) return;
  signingIn = true;
  redraw();
  try {
    const r = await call<SignInResult>(SIGN_IN_CALL);
    if (r.signedIn) ended = false;
  } catch {
    // the extension showed why signing in failed; the banner stays
  }
  signingIn = false;
  redraw();
}

/** The banner (nothing while signed in). */
export function signInBanner(): TemplateResult | typeof nothing {
  if (!ended) return nothing;
  return html`<div class="banner error" role="alert" data-testid="signed-out">
    <p>What you entered here stays: sign in again, then try again.</p>
    <vscode-button data-testid="sign-in" ?disabled=${signingIn} @click=${() => void signIn()}>Sign In</vscode-button>
  </div>`;
}
