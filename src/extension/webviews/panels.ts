// The open webview panels: one "Create Token", one details panel per token, one two-factor setup
// per account. Re-opening reveals the existing panel.
import * as vscode from 'vscode';
import type { TesseraServices } from '../services';
import type { TokenJson } from '../../shared/api-types';
import type { OrgViewModel } from '../views/org-view-model';
import { CreateTokenPanel, type CreateTokenOptions } from './create-token-panel';
import { TokenDetailsPanel } from './token-details-panel';
import { TwoFactorPanel } from './two-factor-panel';

export class WebviewPanels implements vscode.Disposable {
  readonly create: CreateTokenPanel;
  private readonly details = new Map<string, TokenDetailsPanel>();
  private readonly twoFactor = new Map<string, TwoFactorPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly services: TesseraServices,
    orgs: OrgViewModel,
    private readonly onTwoFactorChanged: (accountId: string, enabled: boolean) => void,
  ) {
    this.create = new CreateTokenPanel(extensionUri, services, orgs, (a, t) => this.openDetails(a, t));
  }

  openCreate(options: CreateTokenOptions): void {
    this.create.show(options);
  }

  /** Opens (or reveals) a token's details; `fresh` carries a just-minted secret to show once. */
  openDetails(accountId: string, tokenId: number, name?: string, fresh?: TokenJson): TokenDetailsPanel {
    const key = `${accountId}#${tokenId}`;
    let p = this.details.get(key);
    if (!p || p.host.isDisposed) {
      p = new TokenDetailsPanel(this.extensionUri, this.services, accountId, tokenId, name ? `Token: ${name}` : 'Token');
      this.details.set(key, p);
      const panel = p;
      p.host.onDidClose(() => {
        if (this.details.get(key) === panel) this.details.delete(key);
      });
    } else {
      p.host.panel.reveal();
    }
    if (fresh) p.showSecret(fresh);
    return p;
  }

  openTwoFactor(accountId: string, alreadyEnabled: boolean): TwoFactorPanel {
    let p = this.twoFactor.get(accountId);
    if (!p || p.host.isDisposed) {
      p = new TwoFactorPanel(this.extensionUri, this.services, accountId, (id, enabled) => this.onTwoFactorChanged(id, enabled), alreadyEnabled);
      this.twoFactor.set(accountId, p);
      const panel = p;
      p.host.onDidClose(() => {
        if (this.twoFactor.get(accountId) === panel) this.twoFactor.delete(accountId);
      });
    } else {
      p.knownEnabled(alreadyEnabled);
      p.host.panel.reveal();
    }
    return p;
  }

  /** The open panels (for tests): view type, title and HTML. */
  openPanels(): { viewType: string; title: string; html: string }[] {
    const hosts = [
      ...(this.create.panel ? [this.create.panel] : []),
      ...[...this.details.values()].map((p) => p.host.panel),
      ...[...this.twoFactor.values()].map((p) => p.host.panel),
    ];
    return hosts.map((p) => ({ viewType: p.viewType, title: p.title, html: p.webview.html }));
  }

  /** Something changed: open details panels reload; the Create Token receipt follows its token. */
  tokensChanged(): void {
    for (const p of this.details.values()) p.host.update({});
    this.create.notifyChanged();
  }

  /**
   * The provider says something changed for the account (made anywhere): its open details panels
   * reload (a deleted token's tab closes), and the Create Token form reloads its owners and
   * repositories (or its receipt follows its token).
   */
  remoteChanged(accountId: string): void {
    for (const p of this.details.values()) if (p.accountId === accountId) p.host.update({});
    this.create.notifyChanged();
  }

  /** Accounts changed: close panels of accounts that are gone. */
  accountsChanged(): void {
    const live = new Set(this.services.accounts().map((a) => a.id));
    for (const p of [...this.details.values()]) if (!live.has(p.accountId)) p.host.dispose();
    for (const p of [...this.twoFactor.values()]) if (!live.has(p.accountId)) p.host.dispose();
  }

  dispose(): void {
    this.create.dispose();
    for (const p of this.details.values()) p.host.dispose();
    for (const p of this.twoFactor.values()) p.host.dispose();
  }
}
