// The Accounts view: each signed-in account with its provider and two-factor state, its
// organizations (owner or member) and invitations to accept, and actions to set up 2FA or sign out. When nobody is signed
// in the view is empty and its viewsWelcome offers Sign In / Create an Account.
import * as vscode from 'vscode';
import type { AccountInfo, TesseraServices } from '../services';
import type { OrgViewModel } from './org-view-model';
import { ProblemItem, providerDownItem, problemItemFor } from './view-errors';

/** The two-factor state in a row's words: undefined (the provider did not say) is "not known", never "off". */
function twoFactorWords(enabled: boolean | undefined): { short: string; long: string; context: string } {
  if (enabled === undefined) return { short: 'not known', long: 'not known (the provider did not say)', context: 'unknown' };
  return enabled ? { short: 'on', long: 'enabled', context: 'on' } : { short: 'off', long: '**not enabled**', context: 'off' };
}

export class AccountItem extends vscode.TreeItem {
  constructor(readonly account: AccountInfo, readonly twoFactorEnabled: boolean | undefined) {
    super(account.login, vscode.TreeItemCollapsibleState.Collapsed);
    const words = twoFactorWords(twoFactorEnabled);
    this.id = `account:${account.id}`;
    this.description = `${hostOf(account.providerOrigin)} · 2FA ${words.short}`;
    this.iconPath = new vscode.ThemeIcon('account');
    this.contextValue = `account;2fa=${words.context}`;
    this.tooltip = new vscode.MarkdownString(`**${account.login}** on ${account.providerOrigin}\n\nTwo-factor authentication: ${words.long}`);
  }
}

class AccountDetailItem extends vscode.TreeItem {
  constructor(readonly account: AccountInfo, key: string, label: string, icon: string, description?: string, command?: vscode.Command, contextValue?: string) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.id = `account:${account.id}:${key}`;
    this.iconPath = new vscode.ThemeIcon(icon);
    this.description = description;
    this.tooltip = description ? `${label}: ${description}` : label; // the sidebar may cut the description
    this.command = command;
    this.contextValue = contextValue ?? 'accountDetail';
  }
}

type AccountsElement = AccountItem | AccountDetailItem | ProblemItem;

function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}

export class AccountsTreeProvider implements vscode.TreeDataProvider<AccountsElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AccountsElement | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  /** 2FA enabled from the two-factor webview before the core's AccountInfo caught up. */
  private readonly twoFactorOverride = new Map<string, boolean>();

  constructor(
    private readonly services: TesseraServices,
    private readonly orgs: OrgViewModel,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  /** Shows the new 2FA state at once (before GET /user confirms it). */
  markTwoFactor(accountId: string, enabled: boolean): void {
    this.twoFactorOverride.set(accountId, enabled);
    this.refresh();
  }

  twoFactorEnabled(account: AccountInfo): boolean | undefined {
    return this.twoFactorOverride.get(account.id) ?? account.twoFactorEnabled;
  }

  getTreeItem(e: AccountsElement): vscode.TreeItem {
    return e;
  }

  async getChildren(e?: AccountsElement): Promise<AccountsElement[]> {
    if (!e) {
      const accounts = this.services.accounts();
      if (!accounts.length) return []; // viewsWelcome
      const items: AccountsElement[] = accounts.map((a) => new AccountItem(a, this.twoFactorEnabled(a)));
      if (!this.services.providerState().up) items.unshift(providerDownItem(this.services, 'tessera.refreshAccounts'));
      return items;
    }
    if (!(e instanceof AccountItem)) return [];
    const a = e.account;
    const out: AccountsElement[] = [
      new AccountDetailItem(a, 'provider', 'Provider', 'server', a.providerOrigin),
      e.twoFactorEnabled === undefined
        ? new AccountDetailItem(a, '2fa', 'Two-factor authentication', 'question', 'not known (the provider did not say)')
        : e.twoFactorEnabled
        ? new AccountDetailItem(a, '2fa', 'Two-factor authentication', 'shield', 'enabled — Manage…', {
            command: 'tessera.manageTwoFactor',
            title: 'Manage Two-Factor Authentication',
            arguments: [e],
          })
        : new AccountDetailItem(a, '2fa', 'Two-factor authentication', 'warning', 'not enabled — Set Up…', {
            command: 'tessera.setupTwoFactor',
            title: 'Set Up Two-Factor Authentication',
            arguments: [e],
          }, 'accountDetail;setup2fa'),
    ];
    if (!this.services.providerState().up) return out;
    try {
      const orgs = await this.orgs.orgs(a.id);
      for (const o of orgs) {
        out.push(new AccountDetailItem(a, `org:${o.org}`, o.org, 'organization', o.role === 'admin' ? 'owner' : 'member'));
      }
      for (const o of await this.orgs.invitations(a.id)) {
        out.push(
          new AccountDetailItem(a, `invitation:${o.org}`, o.org, 'mail', `invitation (as ${o.role === 'admin' ? 'owner' : 'member'}) — Accept`, {
            command: 'tessera.acceptOrgInvitation',
            title: 'Accept Invitation',
            arguments: [{ accountId: a.id, org: o.org }],
          }, 'accountDetail;orgInvitation'),
        );
      }
    } catch (err) {
      out.push(problemItemFor(err, this.services, 'tessera.refreshAccounts'));
    }
    return out;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
