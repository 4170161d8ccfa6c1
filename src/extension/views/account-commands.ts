// The Accounts view's commands: refresh (accounts and their organizations) and set up or manage
// two-factor authentication (from an account's item, a notification's `{accountId}`, or the palette).
import type * as vscode from 'vscode';
import { resolveAccountId } from '../commands/command-args';
import { registerCommand } from '../commands/register-command';
import type { TesseraServices } from '../services';
import type { WebviewPanels } from '../webviews/panels';
import type { AccountsTreeProvider } from './accounts-tree';
import type { OrgViewModel } from './org-view-model';

interface AccountCommandDeps {
  readonly orgs: OrgViewModel;
  readonly accountsTree: AccountsTreeProvider;
  readonly panels: WebviewPanels;
  /** Runs the background check soon (the Approvals view's visibility follows org ownership). */
  readonly scheduleBackground: () => void;
}

export function registerAccountCommands(services: TesseraServices, deps: AccountCommandDeps): vscode.Disposable[] {
  const { orgs, accountsTree, panels } = deps;
  /** One page for both: setup while 2FA is off, new recovery codes or turning it off once on. */
  const twoFactorCommand = (id: string, title: string) =>
    registerCommand(
      services,
      id,
      async (arg?: unknown) => {
        const accountId = await resolveAccountId(services, arg, title);
        if (!accountId) return;
        const account = services.accounts().find((a) => a.id === accountId);
        panels.openTwoFactor(accountId, account ? accountsTree.twoFactorEnabled(account) === true : false);
      },
      title.toLowerCase().replace(/^./, (c) => c.toUpperCase()),
    );
  return [
    registerCommand(
      services,
      'tessera.refreshAccounts',
      () => {
        orgs.invalidate();
        accountsTree.refresh();
        deps.scheduleBackground();
      },
      'Refresh accounts',
    ),
    twoFactorCommand('tessera.setupTwoFactor', 'Set Up Two-Factor Authentication'),
    twoFactorCommand('tessera.manageTwoFactor', 'Manage Two-Factor Authentication'),
  ];
}
