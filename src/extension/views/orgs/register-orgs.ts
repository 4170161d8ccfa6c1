// The organizations part of the views: the Organizations tree, its commands, the settings webview
// and the invitation notifications. Called once from registerViews.
import * as vscode from 'vscode';
import type { TesseraServices } from '../../services';
import { OrgSettingsPanels } from '../../webviews/org-settings-panel';
import type { OrgViewModel } from '../org-view-model';
import { InvitationNotifier } from './invitation-notifier';
import { invitationAccepter, registerOrgCommands } from './org-commands';
import { OrganizationsTreeProvider } from './orgs-tree';

export interface OrganizationsInternals {
  readonly tree: OrganizationsTreeProvider;
  readonly view: vscode.TreeView<unknown>;
  readonly settings: OrgSettingsPanels;
}

export function registerOrganizations(context: vscode.ExtensionContext, services: TesseraServices, orgs: OrgViewModel): OrganizationsInternals {
  const tree = new OrganizationsTreeProvider(services, orgs);
  const view = vscode.window.createTreeView<unknown>('tessera.organizations', { treeDataProvider: tree as vscode.TreeDataProvider<unknown> });
  const settings = new OrgSettingsPanels(context.extensionUri, services);
  context.subscriptions.push(
    tree,
    view,
    settings,
    new InvitationNotifier(services, orgs, invitationAccepter(services, { orgs, tree })),
    services.onDidChangeAccounts(() => settings.accountsChanged()),
    services.onDidChangeRemote(({ accountId }) => settings.remoteChanged(accountId)),
    ...registerOrgCommands(services, { orgs, tree, settings }),
  );
  return { tree, view, settings };
}
