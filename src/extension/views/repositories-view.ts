// The Repositories view and its commands; it reloads when accounts or the provider's state change.
import * as vscode from 'vscode';
import type { RepositoryJson } from '../../shared/api-types';
import type { TesseraServices } from '../services';
import { RepositoriesTreeProvider, type RepositoriesElement } from './repositories-tree';
import { createRepositoryFlow, registerRepositoryCommands, type CreateRepositoryArgs } from './repository-commands';

export interface RepositoriesView {
  readonly tree: RepositoriesTreeProvider;
  readonly view: vscode.TreeView<RepositoriesElement>;
  /** Create Repository with answers given in advance (tests): the command takes only account and owner. */
  create(args: CreateRepositoryArgs): Promise<RepositoryJson | undefined>;
}

export function registerRepositoriesView(context: vscode.ExtensionContext, services: TesseraServices): RepositoriesView {
  const tree = new RepositoriesTreeProvider(services);
  const view = vscode.window.createTreeView('tessera.repositories', { treeDataProvider: tree });
  context.subscriptions.push(
    tree,
    view,
    ...registerRepositoryCommands(services, tree),
    services.onDidChangeAccounts(() => tree.refresh()),
    services.onDidChangeProviderState(() => tree.refresh()),
    // Live updates: a repository created, pushed to or deleted anywhere shows at once.
    services.onDidChangeRemote(() => void tree.refreshIfChanged()),
  );
  return { tree, view, create: (args) => createRepositoryFlow(services, tree, args) };
}
