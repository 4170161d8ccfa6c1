// The "Two-factor" webview (see src/extension/webviews/two-factor-panel.ts): scan the QR code
// (an SVG made by the extension, shown as a data: image) or type the secret, enter a code to
// enable, then copy or save the ten recovery codes. Once enabled: new recovery codes or turning
// two-factor off. Nothing here goes into setState.
import { html, render, nothing, type TemplateResult } from 'lit';
import './lib/elements';
import { call, CallError, messageOf, onInit, ready } from './lib/vscode-api';
import { copyText } from './lib/copy';
import { signInBanner, watchSignIn } from './lib/sign-in';
import type { RecoveryCodesResult, TwoFactorInit, TwoFactorSetupData } from '../../src/shared/webview-protocol';

let init: TwoFactorInit | undefined;
let setup: TwoFactorSetupData | undefined;
let setupError = '';
/** The password prompt before setup was cancelled: nothing is prepared until the person starts again. */
let setupCancelled = false;
let code = '';
let codeError = '';
let busy = false;
let recoveryCodes: readonly string[] | undefined;
/** The codes on screen replaced earlier ones (rather than coming with enabling). */
let regenerated = false;
let turnedOff = false;
let manageError = '';
let saved = '';
/** Why saving the recovery codes failed ('' when it did not). */
let saveError = '';
/** Why the last Copy failed, and which button it was. */
let copyError: { what: 'setup-key' | 'recovery-codes'; message: string } | undefined;

const WRONG_CODE = 'That code is not valid. Enter the 6-digit code your authenticator app shows now.';

/** The base32 secret in blocks of four, easier to type by hand ("ABCD EFGH …"). */
function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

const root = document.getElementById('app')!;
root.textContent = ''; // drop the static "Loading…" (lit renders next to existing children)

onInit<TwoFactorInit>((d) => {
  const was = init;
  init = d;
  root.setAttribute('aria-busy', 'false');
  if (!was) {
    if (!d.alreadyEnabled) void start();
  } else if (was.alreadyEnabled !== d.alreadyEnabled && !busy) {
    // turned on or off since (e.g. in another window): the page says so rather than go on
    setup = undefined;
    code = '';
    turnedOff = !d.alreadyEnabled;
  }
  draw();
});

async function start(): Promise<void> {
  setupError = '';
  setupCancelled = false;
  setup = undefined;
  draw();
  try {
    setup = await call<TwoFactorSetupData>('setup');
  } catch (err) {
    if (err instanceof CallError && err.kind === 'cancelled') setupCancelled = true;
    else setupError = messageOf(err);
  }
  draw();
  if (setupCancelled) document.getElementById('twofa-start-again')?.focus();
  else document.getElementById('twofa-code')?.focus();
}

async function enable(): Promise<void> {
  if (busy) return;
  const c = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(c)) {
    codeError = 'Enter the 6-digit code from your authenticator app.';
    draw();
    return;
  }
  busy = true;
  codeError = '';
  draw();
  try {
    const r = await call<RecoveryCodesResult>('enable', { code: c });
    recoveryCodes = r.recoveryCodes;
    code = '';
    // on now: the setup key, its otpauth:// URI and QR code have done their job
    setup = undefined;
    init = { ...init!, alreadyEnabled: true };
  } catch (err) {
    if (!(err instanceof CallError && err.kind === 'cancelled')) {
      const fe = err instanceof CallError ? err.fieldErrors.find((f) => f.field === 'code') : undefined;
      codeError = fe ? WRONG_CODE : messageOf(err);
    }
  }
  busy = false;
  draw();
  if (recoveryCodes) document.getElementById('recovery-codes')?.focus();
}

async function newRecoveryCodes(): Promise<void> {
  if (busy) return;
  busy = true;
  manageError = '';
  draw();
  try {
    const r = await call<RecoveryCodesResult>('newRecoveryCodes');
    if (r.recoveryCodes) {
      recoveryCodes = r.recoveryCodes;
      regenerated = true;
      saved = '';
      saveError = '';
    }
  } catch (err) {
    if (!(err instanceof CallError && err.kind === 'cancelled')) manageError = messageOf(err);
  }
  busy = false;
  draw();
  if (recoveryCodes) document.getElementById('recovery-codes')?.focus();
}

async function turnOff(): Promise<void> {
  if (busy) return;
  busy = true;
  manageError = '';
  draw();
  try {
    const r = await call<{ disabled: boolean }>('disable');
    if (r.disabled) {
      turnedOff = true;
      init = { ...init!, alreadyEnabled: false };
    }
  } catch (err) {
    if (!(err instanceof CallError && err.kind === 'cancelled')) manageError = messageOf(err);
  }
  busy = false;
  draw();
}

function draw(): void {
  render(html`${signInBanner()}${view()}`, root);
}

function view(): TemplateResult {
  if (!init) return html`<p class="muted">Loading…</p>`;
  if (recoveryCodes) return doneView(recoveryCodes);
  if (init.alreadyEnabled) return manageView();
  if (turnedOff) return offView();
  return html`
    <h1>Set up two-factor authentication</h1>
    <p>For <strong>${init.login}</strong> on ${init.origin}. After this, signing in asks for a code from your authenticator app.</p>
    <p class="muted" data-testid="twofa-sudo-note">Sensitive actions (such as new tokens, regenerating one or turning two-factor off) ask for your password and a code only once the two-hour window after you signed in or last confirmed has passed.</p>
    ${setupError
      ? html`<div class="banner error" role="alert" data-testid="twofa-setup-error">${setupError}</div>
          <vscode-button data-testid="twofa-retry" @click=${() => void start()}>Try Again</vscode-button>`
      : nothing}
    ${setupCancelled
      ? html`<p data-testid="twofa-setup-cancelled">Setup was cancelled: Tessera asks for your password before it prepares a new secret.</p>
          <vscode-button id="twofa-start-again" data-testid="twofa-start-again" @click=${() => void start()}>Start Again</vscode-button>`
      : nothing}
    ${!setup && !setupError && !setupCancelled ? html`<p class="muted"><vscode-progress-ring class="inline-ring"></vscode-progress-ring> Preparing…</p>` : nothing}
    ${setup
      ? html`
        <ol class="steps">
          <li>
            <p>Scan this QR code with an authenticator app (Google Authenticator, 1Password, Authy…):</p>
            <img class="qr" data-testid="twofa-qr" src=${setup.qrDataUri} alt="QR code of the two-factor secret" width="200" height="200" />
            <p>Or enter this secret by hand (letters A–Z and digits 2–7; the spaces are only for reading):</p>
            <div class="secret-row">
              <code class="twofa-secret" id="twofa-secret" data-testid="twofa-secret" tabindex="0">${groupSecret(setup.secret)}</code>
              <vscode-button secondary data-testid="copy-twofa-secret" @click=${() => void copy('setup-key', setup!.secret, 'the setup key')}>Copy</vscode-button>
            </div>
            ${copyErrorView('setup-key')}
          </li>
          <li>
            <vscode-label for="twofa-code">Enter the 6-digit code the app shows</vscode-label>
            <div class="secret-row">
              <vscode-textfield id="twofa-code" data-testid="twofa-code" inputmode="numeric" autocomplete="off" maxlength="8" placeholder="123456"
                .value=${code} ?invalid=${!!codeError} aria-describedby="error-code"
                @input=${(e: Event) => { code = (e.target as HTMLInputElement).value; if (codeError) { codeError = ''; draw(); } }}
                @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter') void enable(); }}></vscode-textfield>
              <vscode-button data-testid="twofa-enable" ?disabled=${busy} @click=${() => void enable()}>${busy ? 'Enabling…' : 'Enable'}</vscode-button>
            </div>
            ${codeError ? html`<div class="field-error" role="alert" id="error-code" data-testid="error-code">${codeError}</div>` : nothing}
          </li>
        </ol>`
      : nothing}`;
}

function manageView(): TemplateResult {
  return html`<h1>Two-factor authentication</h1>
    <p data-testid="twofa-already-enabled">Two-factor authentication is on for <strong>${init!.login}</strong> on ${init!.origin}.</p>
    <p class="muted">Sensitive actions ask for your password and a code once the two-hour window after you signed in or last confirmed has passed.</p>
    ${manageError ? html`<div class="banner error" role="alert" data-testid="twofa-manage-error">${manageError}</div>` : nothing}
    <h2>Recovery codes</h2>
    <p>Lost or used up your recovery codes? New ones replace all of them: the old codes stop working.</p>
    <vscode-button data-testid="twofa-new-recovery-codes" ?disabled=${busy} @click=${() => void newRecoveryCodes()}>Generate New Recovery Codes</vscode-button>
    <h2>Turn off</h2>
    <p>Signing in then asks only for your password. To move to a new authenticator app, turn two-factor off and set it up again.</p>
    <vscode-button secondary data-testid="twofa-disable" ?disabled=${busy} @click=${() => void turnOff()}>Turn Off Two-Factor Authentication</vscode-button>`;
}

function offView(): TemplateResult {
  return html`<h1>Two-factor authentication is off</h1>
    <p data-testid="twofa-turned-off">Signing in to <strong>${init!.login}</strong> now asks only for your password. Your authenticator app and recovery codes no longer work for this account.</p>
    <div class="actions">
      <vscode-button data-testid="twofa-set-up-again" @click=${() => { turnedOff = false; void start(); }}>Set Up Again</vscode-button>
      <vscode-button secondary data-testid="twofa-done" @click=${() => void call('close')}>Done</vscode-button>
    </div>`;
}

function doneView(codes: readonly string[]): TemplateResult {
  return html`
    <h1>${regenerated ? 'New recovery codes' : 'Two-factor authentication is on'}</h1>
    <p class="banner warning" role="status" data-testid="recovery-codes-note">
      Save these recovery codes somewhere safe. Each works once in place of a code if you lose your authenticator. They are not shown again.${regenerated ? ' Your old recovery codes no longer work.' : ''}
    </p>
    <pre class="recovery-codes" id="recovery-codes" data-testid="recovery-codes" tabindex="0">${codes.join('\n')}</pre>
    <div class="actions">
      <vscode-button data-testid="copy-recovery-codes" @click=${() => void copy('recovery-codes', codes.join('\n'), 'the recovery codes')}>Copy</vscode-button>
      <vscode-button secondary data-testid="save-recovery-codes" @click=${() => void save()}>Save to File…</vscode-button>
      <vscode-button secondary data-testid="twofa-done" @click=${() => void call('close')}>Done</vscode-button>
    </div>
    ${copyErrorView('recovery-codes')}
    ${saved ? html`<p class="muted" data-testid="recovery-codes-saved">Saved to ${saved}</p>` : nothing}
    ${saveError ? html`<div class="field-error" role="alert" data-testid="recovery-codes-save-error">${saveError}</div>` : nothing}`;
}

function copyErrorView(what: 'setup-key' | 'recovery-codes'): TemplateResult | typeof nothing {
  return copyError?.what === what ? html`<div class="field-error" role="alert" data-testid="copy-error">${copyError.message}</div>` : nothing;
}

async function copy(what: 'setup-key' | 'recovery-codes', text: string, label: string): Promise<void> {
  const message = await copyText(text, label);
  copyError = message ? { what, message } : undefined;
  draw();
}

/** Saves the codes shown (the extension writes the ones it last got from the provider). */
async function save(): Promise<void> {
  saveError = '';
  try {
    const r = await call<{ saved?: string }>('save');
    if (r.saved) saved = r.saved;
  } catch (err) {
    if (!(err instanceof CallError && err.kind === 'cancelled')) {
      saved = '';
      saveError = `Could not save the recovery codes: ${messageOf(err)}`;
    }
  }
  draw();
}

watchSignIn(draw);
draw();
ready();
