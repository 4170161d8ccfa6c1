// The "Two-factor setup" webview (see src/extension/webviews/two-factor-panel.ts): scan the QR code
// (an SVG made by the extension, shown as a data: image) or type the secret, enter a code to
// enable, then copy or save the ten recovery codes. Nothing here goes into setState.
import { html, render, nothing, type TemplateResult } from 'lit';
import './lib/elements';
import { call, CallError, messageOf, onInit, ready } from './lib/vscode-api';
import type { TwoFactorInit, TwoFactorSetupData } from '../../src/shared/webview-protocol';

let init: TwoFactorInit | undefined;
let setup: TwoFactorSetupData | undefined;
let setupError = '';
let code = '';
let codeError = '';
let busy = false;
let recoveryCodes: readonly string[] | undefined;
let saved = '';

const root = document.getElementById('app')!;
root.textContent = ''; // drop the static "Loading…" (lit renders next to existing children)

onInit<TwoFactorInit>((d) => {
  const first = !init;
  init = d;
  root.setAttribute('aria-busy', 'false');
  draw();
  if (first && !d.alreadyEnabled) void start();
});

async function start(): Promise<void> {
  setupError = '';
  setup = undefined;
  draw();
  try {
    setup = await call<TwoFactorSetupData>('setup');
  } catch (err) {
    if (!(err instanceof CallError && err.kind === 'cancelled')) setupError = messageOf(err);
  }
  draw();
  document.getElementById('twofa-code')?.focus();
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
    const r = await call<{ recoveryCodes: readonly string[] }>('enable', { code: c });
    recoveryCodes = r.recoveryCodes;
    code = '';
  } catch (err) {
    if (!(err instanceof CallError && err.kind === 'cancelled')) {
      const fe = err instanceof CallError ? err.fieldErrors.find((f) => f.field === 'code') : undefined;
      codeError = fe?.message ?? messageOf(err);
    }
  }
  busy = false;
  draw();
  if (recoveryCodes) document.getElementById('recovery-codes')?.focus();
}

function draw(): void {
  render(view(), root);
}

function view(): TemplateResult {
  if (!init) return html`<p class="muted">Loading…</p>`;
  if (recoveryCodes) return doneView(recoveryCodes);
  if (init.alreadyEnabled) {
    return html`<h1>Two-factor authentication</h1>
      <p data-testid="twofa-already-enabled">Two-factor authentication is already enabled for <strong>${init.login}</strong>.</p>
      <vscode-button secondary @click=${() => { init = { ...init!, alreadyEnabled: false }; void start(); }}>Set Up a New Authenticator</vscode-button>`;
  }
  return html`
    <h1>Set up two-factor authentication</h1>
    <p>For <strong>${init.login}</strong> on ${init.origin}. After this, signing in and sensitive actions ask for a code from your authenticator app.</p>
    ${setupError
      ? html`<div class="banner error" role="alert" data-testid="twofa-setup-error">${setupError}</div>
          <vscode-button data-testid="twofa-retry" @click=${() => void start()}>Try Again</vscode-button>`
      : nothing}
    ${!setup && !setupError ? html`<p class="muted"><vscode-progress-ring class="inline-ring"></vscode-progress-ring> Preparing…</p>` : nothing}
    ${setup
      ? html`
        <ol class="steps">
          <li>
            <p>Scan this QR code with an authenticator app (Google Authenticator, 1Password, Authy…):</p>
            <img class="qr" data-testid="twofa-qr" src=${setup.qrDataUri} alt="QR code of the two-factor secret" width="200" height="200" />
            <p>Or enter this secret by hand:</p>
            <div class="secret-row">
              <code class="twofa-secret" id="twofa-secret" data-testid="twofa-secret" tabindex="0">${setup.secret}</code>
              <vscode-button secondary data-testid="copy-twofa-secret" @click=${() => void call('copy', { text: setup!.secret, what: 'Secret' })}>Copy</vscode-button>
            </div>
          </li>
          <li>
            <vscode-label for="twofa-code">Enter the 6-digit code the app shows</vscode-label>
            <div class="secret-row">
              <vscode-textfield id="twofa-code" data-testid="twofa-code" inputmode="numeric" autocomplete="off" maxlength="8" placeholder="123456"
                .value=${code} ?invalid=${!!codeError} aria-describedby="error-code"
                @input=${(e: Event) => { code = (e.target as HTMLInputElement).value; }}
                @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter') void enable(); }}></vscode-textfield>
              <vscode-button data-testid="twofa-enable" ?disabled=${busy} @click=${() => void enable()}>${busy ? 'Enabling…' : 'Enable'}</vscode-button>
            </div>
            ${codeError ? html`<div class="field-error" role="alert" id="error-code" data-testid="error-code">${codeError}</div>` : nothing}
          </li>
        </ol>`
      : nothing}`;
}

function doneView(codes: readonly string[]): TemplateResult {
  return html`
    <h1>Two-factor authentication is on</h1>
    <p class="banner warning" role="status">
      Save these recovery codes somewhere safe. Each works once in place of a code if you lose your authenticator. They are not shown again.
    </p>
    <pre class="recovery-codes" id="recovery-codes" data-testid="recovery-codes" tabindex="0">${codes.join('\n')}</pre>
    <div class="actions">
      <vscode-button data-testid="copy-recovery-codes" @click=${() => void call('copy', { text: codes.join('\n'), what: 'Recovery codes' })}>Copy</vscode-button>
      <vscode-button secondary data-testid="save-recovery-codes" @click=${() => void save(codes)}>Save to File…</vscode-button>
      <vscode-button secondary data-testid="twofa-done" @click=${() => void call('close')}>Done</vscode-button>
    </div>
    ${saved ? html`<p class="muted" data-testid="recovery-codes-saved">Saved to ${saved}</p>` : nothing}
    ${nothing}`;
}

async function save(codes: readonly string[]): Promise<void> {
  try {
    const r = await call<{ saved?: string }>('save', { codes });
    if (r.saved) saved = r.saved;
  } catch (err) {
    saved = '';
    codeError = messageOf(err);
  }
  draw();
}

draw();
ready();
