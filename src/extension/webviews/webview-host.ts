// The common part of Tessera's webview panels: HTML with a strict, nonce-based CSP (no remote
// content), VS Code theme variables, and a small call/reply protocol (./protocol.ts).
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../../shared/html-escape';
import { TesseraError } from '../services';
import { CallParams } from './call-params';
import type { TokenJson } from '../../shared/api-types';
import { SIGN_IN_CALL, type FromWebview, type RecoveryCodesResult, type SignInResult, type ToWebview, type WebviewError } from '../../shared/webview-protocol';

type CallHandler = (params: CallParams) => Promise<unknown> | unknown;

function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/** The panel's HTML: one stylesheet, one script (dist/webview/<script>.js), both local. */
function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, script: string, title: string): string {
  const nonce = makeNonce();
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${script}.js`));
  const styleUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css'));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${styleUri}" nonce="${nonce}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main id="app" data-testid="app" aria-busy="true"><p class="muted">Loading…</p></main>
<script nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>`;
}

/** A webview's Copy button: the text to the clipboard, and "Copied the token to the clipboard" in the status bar. */
export async function copyToClipboard(text: string, what = 'the text'): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  void vscode.window.setStatusBarMessage(`$(check) Copied ${what} to the clipboard`, 4000);
}

/** What an answer shows once and never again: a new token's secret, or new recovery codes. */
interface ShownOnce {
  readonly message: string;
  readonly action: string;
  readonly text: string;
  readonly what: string;
}

/**
 * The secret in a call's answer that carries one: a new token (create, regenerate: `{ token }`)
 * or two-factor recovery codes (enable, new codes: `{ recoveryCodes }`).
 */
function shownOnce(result: unknown): ShownOnce | undefined {
  if (!result || typeof result !== 'object') return undefined;
  const t = (result as { token?: unknown }).token;
  if (t && typeof t === 'object' && typeof (t as TokenJson).token === 'string') {
    const token = t as TokenJson & { token: string };
    return {
      message: `The new secret of the token “${token.name}” came after its tab was closed. Copy it now: it is not shown again.`,
      action: 'Copy Token',
      text: token.token,
      what: 'the token',
    };
  }
  const codes: unknown = (result as RecoveryCodesResult).recoveryCodes;
  if (Array.isArray(codes) && codes.length && codes.every((c) => typeof c === 'string')) {
    return {
      message: 'New two-factor recovery codes came after their tab was closed; the earlier ones no longer work. Copy them now: they are not shown again.',
      action: 'Copy Recovery Codes',
      text: codes.join('\n'),
      what: 'the recovery codes',
    };
  }
  return undefined;
}

/**
 * A secret whose tab was closed before it came: shown nowhere else and never again, so a warning
 * offers to copy it (the secret itself is in neither the message nor the log).
 */
async function offerSecretOfClosedTab(lost: ShownOnce): Promise<void> {
  const pick = await vscode.window.showWarningMessage(lost.message, lost.action);
  if (pick !== lost.action) return;
  try {
    await copyToClipboard(lost.text, lost.what);
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not copy ${lost.what} to the clipboard: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function toWebviewError(err: unknown): WebviewError {
  if (err instanceof TesseraError) {
    return {
      kind: err.kind,
      message: err.message,
      fieldErrors: (err.details.fieldErrors ?? []).map((f) => ({ field: f.field, message: f.message })),
    };
  }
  // a plain Error from our own code; never echo arbitrary objects
  return { kind: 'server', message: err instanceof Error ? err.message : 'Unexpected error', fieldErrors: [] };
}

/**
 * Owns one WebviewPanel: sets its HTML, answers calls with the given handlers, sends `init` when
 * the script is ready (and again after a reload), and forwards `update` pushes.
 */
export class WebviewHost implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private disposed = false;
  /** The provider where a call last found this editor's sign-in ended: the page's "Sign In" goes there. */
  private signInEndedAt: string | undefined;
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    script: string,
    private readonly handlers: Record<string, CallHandler>,
    private readonly init: () => unknown,
    private readonly log?: vscode.LogOutputChannel,
  ) {
    panel.webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    panel.webview.html = webviewHtml(panel.webview, extensionUri, script, panel.title);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: FromWebview) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get isReady(): boolean {
    return this.ready;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Tells the webview something changed (it decides what to reload). */
  update(data?: unknown): void {
    if (this.ready) this.post({ type: 'update', data });
  }

  /** Sends init again (e.g. new preselection for an already open panel). */
  reinit(): void {
    if (this.ready) this.post({ type: 'init', data: this.init() });
  }

  private post(m: ToWebview): void {
    if (!this.disposed) void this.panel.webview.postMessage(m);
  }

  private async onMessage(m: FromWebview): Promise<void> {
    if (!m || typeof m !== 'object') return;
    if (m.type === 'ready') {
      this.ready = true;
      this.post({ type: 'init', data: this.init() });
      return;
    }
    if (m.type !== 'call' || typeof m.id !== 'number' || typeof m.method !== 'string') return;
    const handler =
      m.method === SIGN_IN_CALL
        ? () => this.signIn()
        : Object.prototype.hasOwnProperty.call(this.handlers, m.method)
          ? this.handlers[m.method]
          : undefined;
    if (!handler) {
      this.post({ type: 'reply', id: m.id, ok: false, error: { kind: 'server', message: `Unknown call ${m.method}`, fieldErrors: [] } });
      return;
    }
    try {
      const result = await handler(new CallParams(m.method, m.params));
      const lost = this.disposed ? shownOnce(result) : undefined;
      if (lost) void offerSecretOfClosedTab(lost);
      this.post({ type: 'reply', id: m.id, ok: true, result: result ?? null });
    } catch (err) {
      if (err instanceof TesseraError && err.kind === 'signed-out') this.signInEndedAt = err.providerOrigin;
      const e = toWebviewError(err);
      if (e.kind !== 'cancelled' && e.kind !== 'validation') this.log?.warn(`webview call ${m.method} failed: ${e.message}`);
      this.post({ type: 'reply', id: m.id, ok: false, error: e });
    }
  }

  /** Sign In from the page: the command (it shows its own errors), at the provider where the sign-in ended. */
  private async signIn(): Promise<SignInResult> {
    const origin = this.signInEndedAt;
    const account = await vscode.commands.executeCommand<unknown>('tessera.signIn', ...(origin ? [{ origin }] : []));
    return { signedIn: !!account };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.closed.fire();
    this.closed.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
