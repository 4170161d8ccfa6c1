// A status bar item while any token of a signed-in account expires within 7 days. One token:
// "$(warning) “ci” expires in 3 days", click opens its details; several: a count, click picks one.
import * as vscode from 'vscode';
import { pick } from '../auth/quick-input';
import type { TesseraServices } from '../services';
import type { TokenJson } from '../../shared/api-types';
import type { TokenViewModel } from '../views/token-view-model';
import { daysLeft, expiryText, isExpiringSoon } from '../../shared/token-text';

interface ExpiringToken {
  readonly accountId: string;
  readonly login: string;
  readonly token: TokenJson;
}

/** Tokens expiring within the warning window, soonest first. */
function expiringTokens(services: TesseraServices, store: TokenViewModel, now: number): ExpiringToken[] {
  const out: ExpiringToken[] = [];
  for (const a of services.accounts()) {
    for (const t of store.cached(a.id) ?? []) if (isExpiringSoon(t, now)) out.push({ accountId: a.id, login: a.login, token: t });
  }
  return out.sort((x, y) => Date.parse(x.token.expires_at!) - Date.parse(y.token.expires_at!));
}

export class ExpiryStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly timer: NodeJS.Timeout;
  private shown: ExpiringToken[] = [];

  constructor(
    private readonly services: TesseraServices,
    private readonly store: TokenViewModel,
  ) {
    this.item = vscode.window.createStatusBarItem('tessera.expiry', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Tessera Token Expiry';
    this.disposables.push(
      this.item,
      store.onDidLoad(() => this.update()),
      services.onDidChangeAccounts(() => this.update()),
    );
    // "expires in N days" changes with time
    this.timer = setInterval(() => this.update(), 60 * 60 * 1000);
    this.timer.unref?.();
  }

  /** What the item shows now (for tests). */
  get state(): { visible: boolean; text: string; tokens: readonly ExpiringToken[] } {
    return { visible: this.shown.length > 0, text: this.item.text, tokens: this.shown };
  }

  update(): void {
    const now = Date.now();
    const list = expiringTokens(this.services, this.store, now);
    this.shown = list;
    if (!list.length) {
      this.item.hide();
      return;
    }
    const first = list[0]!;
    if (list.length === 1) {
      this.item.text = `$(warning) “${first.token.name}” ${expiryText(first.token, now)}`;
      this.item.tooltip = `The Tessera token “${first.token.name}” (${first.login}) ${expiryText(first.token, now)}. Click to open it.`;
      this.item.command = { command: 'tessera.inspectToken', title: 'Inspect Token', arguments: [{ accountId: first.accountId, tokenId: first.token.id }] };
    } else {
      const d = daysLeft(first.token, now) ?? 0;
      this.item.text = `$(warning) ${list.length} tokens expire soon`;
      this.item.tooltip = `${list.length} Tessera tokens expire within 7 days (the first in ${d} day${d === 1 ? '' : 's'}). Click to pick one.`;
      this.item.command = { command: 'tessera.showExpiringTokens', title: 'Show Expiring Tokens' };
    }
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.item.accessibilityInformation = { label: this.item.text.replace('$(warning) ', 'Warning: ') };
    this.item.show();
  }

  /** The `tessera.showExpiringTokens` command (registered by registerViews). */
  async pick(): Promise<void> {
    const now = Date.now();
    const list = expiringTokens(this.services, this.store, now);
    if (!list.length) {
      void vscode.window.showInformationMessage('No Tessera token expires within 7 days.');
      return;
    }
    const p = await pick(
      'Tokens expiring within 7 days',
      list.map((e) => ({ label: e.token.name, description: `${expiryText(e.token, now)} · ${e.login}`, value: e })),
      'Which token?',
    );
    if (p) await vscode.commands.executeCommand('tessera.inspectToken', { accountId: p.accountId, tokenId: p.token.id });
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
