// Registers the Tessera views (Accounts, Tokens, Approvals), their commands, the webviews and the
// expiry status bar item. Called once from activate(); does nothing expensive here (no network:
// the trees load lazily when they become visible; a background check runs a few seconds later).
import * as vscode from 'vscode';
import type { TesseraServices } from '../services';
import { TokenViewModel } from './token-view-model';
import { OrgViewModel } from './org-view-model';
import { TokenDecorationProvider, TokensTreeProvider, type TokensElement } from './tokens-tree';
import { AccountsTreeProvider } from './accounts-tree';
import { registerAccountCommands } from './account-commands';
import { ApprovalsTreeProvider } from './approvals-tree';
import { registerApprovalCommands } from './approval-commands';
import { registerDeviceCommands } from './device-authorization';
import { registerTokenCommands } from './token-commands';
import { RequestStatusWatcher } from './request-status-watcher';
import { registerRepositoriesView, type RepositoriesView } from './repositories-view';
import { ExpiryStatusBar } from '../status-bar/expiry-status-bar';
import { WebviewPanels } from '../webviews/panels';
import { registerOrganizations, type OrganizationsInternals } from './orgs/register-orgs';

/** Background refresh while signed in: new requests, decisions on the user's requests, expiry. */
const POLL_INTERVAL_MS = 5 * 60 * 1000;
const FIRST_CHECK_DELAY_MS = 2000;

/** What registerViews built (for the extension-host tests, through the test hooks' `tessera._views.internals`). */
export interface ViewsInternals {
  readonly store: TokenViewModel;
  readonly orgs: OrgViewModel;
  readonly tokensTree: TokensTreeProvider;
  readonly tokensView: vscode.TreeView<TokensElement>;
  readonly accountsTree: AccountsTreeProvider;
  readonly approvalsTree: ApprovalsTreeProvider;
  readonly approvalsView: vscode.TreeView<unknown>;
  readonly statusBar: ExpiryStatusBar;
  readonly panels: WebviewPanels;
  readonly repositories: RepositoriesView;
  readonly organizations: OrganizationsInternals;
  /** Runs the background check now (tests). */
  backgroundCheck(): Promise<void>;
}

export function registerViews(context: vscode.ExtensionContext, services: TesseraServices): ViewsInternals {
  const subs = context.subscriptions;
  const store = new TokenViewModel(services);
  const orgs = new OrgViewModel(services);
  const tokensTree = new TokensTreeProvider(services, store);
  const accountsTree = new AccountsTreeProvider(services, orgs);
  const approvalsTree = new ApprovalsTreeProvider(services, orgs);
  const panels = new WebviewPanels(context.extensionUri, services, orgs, (accountId, enabled) => {
    accountsTree.markTwoFactor(accountId, enabled);
    void services.refreshAccount(accountId).catch(() => undefined); // GET /user: AccountInfo.twoFactorEnabled
  });
  const statusBar = new ExpiryStatusBar(services, store);
  const watcher = new RequestStatusWatcher(services, store, context.globalState);

  const tokensView = vscode.window.createTreeView('tessera.tokens', { treeDataProvider: tokensTree, showCollapseAll: true });
  const accountsView = vscode.window.createTreeView('tessera.accounts', { treeDataProvider: accountsTree });
  const approvalsView = vscode.window.createTreeView<unknown>('tessera.approvals', {
    treeDataProvider: approvalsTree as vscode.TreeDataProvider<unknown>,
    canSelectMany: true,
  });
  subs.push(store, orgs, tokensTree, accountsTree, approvalsTree, panels, statusBar, watcher, tokensView, accountsView, approvalsView);
  subs.push(vscode.window.registerFileDecorationProvider(new TokenDecorationProvider()));
  const organizations = registerOrganizations(context, services, orgs);
  subs.push(orgs.onDidChange(() => (accountsTree.refresh(), approvalsTree.refresh())));
  subs.push(
    approvalsTree.onDidCount((n) => {
      approvalsView.badge = n ? { value: n, tooltip: `${n} pending token request${n === 1 ? '' : 's'}` } : undefined;
    }),
  );

  // ---- background: status bar, request decisions, org ownership (never during activate) ----
  let bgTimer: NodeJS.Timeout | undefined;
  const backgroundCheck = async () => {
    if (!services.accounts().length) {
      await orgs.updateContext();
      return;
    }
    if (!services.providerState().up) return;
    await store.loadAll();
    statusBar.update();
    await orgs.updateContext();
    if (await ownsAnyOrg()) await approvalsTree.loadRequests().catch(() => undefined); // the badge
  };
  const ownsAnyOrg = async () => {
    for (const a of services.accounts()) {
      if ((await orgs.ownedOrgs(a.id).catch(() => [])).length) return true;
    }
    return false;
  };
  const scheduleBackground = (delay = 300) => {
    if (bgTimer) clearTimeout(bgTimer);
    bgTimer = setTimeout(() => void backgroundCheck().catch((e) => services.log.warn(`views background check: ${e instanceof Error ? e.message : e}`)), delay);
  };
  scheduleBackground(FIRST_CHECK_DELAY_MS);
  const poll = setInterval(() => {
    if (!services.accounts().length || !services.providerState().up) return;
    orgs.invalidate();
    store.invalidate();
    approvalsTree.refresh();
    scheduleBackground(0);
  }, POLL_INTERVAL_MS);
  subs.push({ dispose: () => (clearInterval(poll), bgTimer && clearTimeout(bgTimer)) });

  const setSignedIn = () => void vscode.commands.executeCommand('setContext', 'tessera.signedIn', services.accounts().length > 0);
  setSignedIn();

  const refreshAll = () => {
    orgs.invalidate();
    store.invalidate(); // → Tokens tree re-renders
    accountsTree.refresh();
    approvalsTree.refresh();
    panels.tokensChanged();
    scheduleBackground();
  };

  subs.push(
    services.onDidChangeTokens(() => {
      store.invalidate();
      approvalsTree.refresh();
      panels.tokensChanged();
      scheduleBackground();
    }),
    services.onDidChangeAccounts(() => {
      setSignedIn();
      panels.accountsChanged();
      refreshAll();
    }),
    services.onDidChangeProviderState(() => refreshAll()),
    // Live updates: the provider says something changed for an account (made anywhere).
    services.onDidChangeRemote(({ accountId }) => {
      orgs.invalidate();
      store.invalidate();
      accountsTree.refresh();
      approvalsTree.refresh();
      panels.remoteChanged(accountId);
      scheduleBackground();
    }),
  );

  // ---- commands ----
  const afterApprovals = () => {
    approvalsTree.refresh();
    services.fireTokensChanged();
  };
  subs.push(
    ...registerTokenCommands(services, {
      store,
      panels,
      statusBar,
      refresh: () => {
        tokensTree.retryEvenIfDown();
        store.invalidate();
        scheduleBackground();
      },
    }),
    ...registerApprovalCommands(services, { tree: approvalsTree, orgs, afterChange: afterApprovals }),
    ...registerDeviceCommands(services),
    ...registerAccountCommands(services, { orgs, accountsTree, panels, scheduleBackground: () => scheduleBackground() }),
  );
  const repositories = registerRepositoriesView(context, services);
  return { store, orgs, tokensTree, tokensView, accountsTree, approvalsTree, approvalsView, statusBar, panels, repositories, organizations, backgroundCheck };
}
