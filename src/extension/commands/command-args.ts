// Which account a command acts on: the tree item, notification or caller's argument names it;
// from the command palette the person picks one (or is offered to sign in when there is none).
import * as vscode from 'vscode';
import { pick } from '../auth/quick-input';
import type { AccountInfo, TesseraServices } from '../services';

/** An account id from a command argument: a string, an AccountInfo, or a tree item holding one. */
export function accountIdFromArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object') {
    const o = arg as { id?: unknown; providerOrigin?: unknown; account?: { id?: unknown }; accountId?: unknown };
    if (typeof o.accountId === 'string') return o.accountId;
    if (o.account && typeof o.account.id === 'string') return o.account.id;
    if (typeof o.id === 'string' && typeof o.providerOrigin === 'string') return o.id;
  }
  return undefined;
}

/** A quick pick of the signed-in accounts (the only one without asking; readable as every prompt); undefined when cancelled. */
export async function pickAccount(services: TesseraServices, title: string, filter?: (a: AccountInfo) => boolean): Promise<AccountInfo | undefined> {
  const accounts = services.accounts().filter(filter ?? (() => true));
  if (!accounts.length) {
    const signIn = 'Sign In';
    if (!services.accounts().length && (await vscode.window.showInformationMessage('Sign in to Tessera first.', signIn)) === signIn) {
      await vscode.commands.executeCommand('tessera.signIn');
    }
    return undefined;
  }
  if (accounts.length === 1) return accounts[0];
  return pick(title, accounts.map((a) => ({ label: a.login, description: a.providerOrigin, value: a })), 'Which account?');
}

/** The account the argument names, or the one the person picks. */
export async function resolveAccountId(services: TesseraServices, arg: unknown, title: string): Promise<string | undefined> {
  return accountIdFromArg(arg) ?? (await pickAccount(services, title))?.id;
}
