// The token commands: create, refresh, inspect, regenerate, change expiry, expire now, delete.
// Each takes a tree node, `{accountId, tokenId}` (status bar, notifications), or nothing (the
// command palette: pick the account, then the token).
import * as vscode from 'vscode';
import type { AccountInfo, TesseraServices } from '../services';
import type { TokenJson } from '../../shared/api-types';
import type { TokenViewModel } from './token-view-model';
import type { WebviewPanels } from '../webviews/panels';
import { AccountNode, GroupNode, TokenNode } from './tokens-tree';
import { accountApi } from '../api/provider-api';
import { changeTokenExpiry, deleteToken, expireTokenNow, regenerateToken } from './token-actions';
import { pickExpiry } from './expiry-picker';
import { expiryText, isExpired, kindLabel, stateText } from '../../shared/token-text';

export interface TokenTarget {
  readonly accountId: string;
  readonly token: TokenJson;
}

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
  const p = await vscode.window.showQuickPick(
    accounts.map((a) => ({ label: a.login, description: a.providerOrigin, a })),
    { title, placeHolder: 'Which account?' },
  );
  return p?.a;
}

function isTokenRef(x: unknown): x is { accountId: string; tokenId: number } {
  return !!x && typeof x === 'object' && typeof (x as { accountId?: unknown }).accountId === 'string' && typeof (x as { tokenId?: unknown }).tokenId === 'number';
}

export async function resolveToken(
  services: TesseraServices,
  store: TokenViewModel,
  arg: unknown,
  title: string,
  filter: (t: TokenJson) => boolean = () => true,
): Promise<TokenTarget | undefined> {
  if (arg instanceof TokenNode) return { accountId: arg.accountId, token: arg.token };
  if (isTokenRef(arg)) {
    const cached = store.find(arg.accountId, arg.tokenId);
    if (cached) return { accountId: arg.accountId, token: cached };
    const token = await accountApi(services, arg.accountId).token(arg.tokenId);
    return { accountId: arg.accountId, token };
  }
  const account = await pickAccount(services, title);
  if (!account) return undefined;
  const tokens = (await store.tokens(account.id)).filter(filter);
  if (!tokens.length) {
    void vscode.window.showInformationMessage('No token to choose from.');
    return undefined;
  }
  const now = Date.now();
  const p = await vscode.window.showQuickPick(
    tokens.map((t) => ({ label: t.name, description: `${kindLabel(t.kind)} · ${stateText(t, now)}`, detail: `…${t.token_last_eight}`, t })),
    { title, placeHolder: 'Which token?', matchOnDescription: true },
  );
  return p ? { accountId: account.id, token: p.t } : undefined;
}

const canRegenerate = (t: TokenJson) => t.status === 'active' || t.status === 'expired';
const canChangeExpiry = (t: TokenJson) => (t.status === 'active' || t.status === 'pending') && !isExpired(t, Date.now());

export function registerTokenCommands(
  services: TesseraServices,
  store: TokenViewModel,
  panels: WebviewPanels,
  refresh: () => void,
): vscode.Disposable[] {
  const guard = (context: string, fn: (...args: unknown[]) => Promise<unknown>) => async (...args: unknown[]) => {
    try {
      await fn(...args);
    } catch (err) {
      await services.showError(err, context);
    }
  };
  return [
    vscode.commands.registerCommand('tessera.refreshTokens', () => refresh()),
    vscode.commands.registerCommand(
      'tessera.createToken',
      guard('Create token', async (arg?: unknown) => {
        if (arg instanceof GroupNode) return panels.openCreate({ accountId: arg.accountId, kind: arg.tokenKind, owner: arg.owner });
        if (arg instanceof AccountNode) return panels.openCreate({ accountId: arg.account.id });
        const o = (arg && typeof arg === 'object' ? arg : {}) as { accountId?: string; kind?: 'classic' | 'fine_grained'; owner?: string };
        if (o.accountId) return panels.openCreate(o);
        const account = await pickAccount(services, 'Create Token');
        if (account) panels.openCreate({ accountId: account.id, kind: o.kind, owner: o.owner });
      }),
    ),
    vscode.commands.registerCommand(
      'tessera.inspectToken',
      guard('Inspect token', async (arg?: unknown) => {
        const target = await resolveToken(services, store, arg, 'Inspect Token');
        if (target) panels.openDetails(target.accountId, target.token.id, target.token.name);
      }),
    ),
    vscode.commands.registerCommand(
      'tessera.regenerateToken',
      guard('Regenerate token', async (arg?: unknown) => {
        const target = await resolveToken(services, store, arg, 'Regenerate Token', canRegenerate);
        if (!target) return;
        const t = target.token;
        const now = Date.now();
        const choice = await pickExpiry({
          title: `Regenerate “${t.name}”: expiry`,
          allowNone: t.kind === 'classic',
          keepLabel: isExpired(t, now) ? undefined : expiryText(t, now),
        });
        if (!choice) return;
        const fresh = await regenerateToken(services, target.accountId, t, choice, { confirm: true });
        if (fresh) panels.openDetails(target.accountId, t.id, t.name, fresh);
      }),
    ),
    vscode.commands.registerCommand(
      'tessera.changeTokenExpiry',
      guard('Change token expiry', async (arg?: unknown) => {
        const target = await resolveToken(services, store, arg, 'Change Token Expiry', canChangeExpiry);
        if (!target) return;
        const t = target.token;
        const choice = await pickExpiry({ title: `New expiry for “${t.name}” (${expiryText(t, Date.now())})`, allowNone: t.kind === 'classic' });
        if (!choice) return;
        const updated = await changeTokenExpiry(services, target.accountId, t, choice);
        if (updated) void vscode.window.showInformationMessage(`“${t.name}” now ${expiryText(updated, Date.now())}.`);
      }),
    ),
    vscode.commands.registerCommand(
      'tessera.expireToken',
      guard('Expire token', async (arg?: unknown) => {
        const target = await resolveToken(services, store, arg, 'Expire Token Now', canChangeExpiry);
        if (!target) return;
        if (await expireTokenNow(services, target.accountId, target.token)) {
          void vscode.window.showInformationMessage(`“${target.token.name}” has expired.`);
        }
      }),
    ),
    vscode.commands.registerCommand(
      'tessera.deleteToken',
      guard('Delete token', async (arg?: unknown) => {
        const target = await resolveToken(services, store, arg, 'Delete Token');
        if (!target) return;
        if (await deleteToken(services, target.accountId, target.token)) {
          void vscode.window.showInformationMessage(`Deleted the token “${target.token.name}”.`);
        }
      }),
    ),
  ];
}
