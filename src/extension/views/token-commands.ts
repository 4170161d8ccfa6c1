// The token commands: create, refresh, inspect, regenerate, change expiry, expire now, delete, and
// the expiring tokens of the status bar item.
// Each takes a tree node, `{accountId, tokenId}` (status bar, notifications), or nothing (the
// command palette: pick the account, then the token).
import * as vscode from 'vscode';
import { pick } from '../auth/quick-input';
import { pickAccount } from '../commands/command-args';
import { keepAnswers, registerCommand } from '../commands/register-command';
import type { TesseraServices } from '../services';
import type { ExpiryStatusBar } from '../status-bar/expiry-status-bar';
import type { TokenJson } from '../../shared/api-types';
import type { TokenViewModel } from './token-view-model';
import type { WebviewPanels } from '../webviews/panels';
import { AccountNode, GroupNode, TokenNode } from './tokens-tree';
import { accountApi } from '../api/provider-api';
import { changeTokenExpiry, deleteToken, expireTokenNow, regenerateToken } from './token-actions';
import { pickExpiry } from './expiry-picker';
import { expiryChangedText, expiryText, isExpired, kindLabel, stateText } from '../../shared/token-text';

interface TokenTarget {
  readonly accountId: string;
  readonly token: TokenJson;
}

function isTokenRef(x: unknown): x is { accountId: string; tokenId: number } {
  return !!x && typeof x === 'object' && typeof (x as { accountId?: unknown }).accountId === 'string' && typeof (x as { tokenId?: unknown }).tokenId === 'number';
}

async function resolveToken(
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
  const token = await pick(
    title,
    tokens.map((t) => ({ label: t.name, description: `${kindLabel(t.kind)} · ${stateText(t, now)}`, detail: `…${t.token_last_eight}`, value: t })),
    'Which token?',
    { matchOnDescription: true },
  );
  return token ? { accountId: account.id, token } : undefined;
}

const canRegenerate = (t: TokenJson) => t.status === 'active' || t.status === 'expired';
const canChangeExpiry = (t: TokenJson) => (t.status === 'active' || t.status === 'pending') && !isExpired(t, Date.now());

interface TokenCommandDeps {
  readonly store: TokenViewModel;
  readonly panels: WebviewPanels;
  readonly statusBar: ExpiryStatusBar;
  /** Reloads the tokens (even while the provider seemed down). */
  readonly refresh: () => void;
}

export function registerTokenCommands(services: TesseraServices, deps: TokenCommandDeps): vscode.Disposable[] {
  const { store, panels, statusBar } = deps;
  const command = (id: string, title: string, fn: (...args: unknown[]) => Promise<unknown>) =>
    registerCommand(services, id, async (...args) => void (await fn(...args)), title);
  return [
    registerCommand(services, 'tessera.refreshTokens', () => deps.refresh(), 'Refresh tokens'),
    registerCommand(services, 'tessera.showExpiringTokens', () => statusBar.pick(), 'Expiring tokens'),
    command(
      'tessera.createToken',
      'Create token',
      async (arg?: unknown) => {
        if (arg instanceof GroupNode) return panels.openCreate({ accountId: arg.accountId, kind: arg.tokenKind, owner: arg.owner });
        if (arg instanceof AccountNode) return panels.openCreate({ accountId: arg.account.id });
        const o = (arg && typeof arg === 'object' ? arg : {}) as { accountId?: string; kind?: 'classic' | 'fine_grained'; owner?: string };
        if (o.accountId) return panels.openCreate(o);
        const account = await pickAccount(services, 'Create Token');
        if (account) panels.openCreate({ accountId: account.id, kind: o.kind, owner: o.owner });
      },
    ),
    command(
      'tessera.inspectToken',
      'Inspect token',
      async (arg?: unknown) => {
        const target = await resolveToken(services, store, arg, 'Inspect Token');
        if (target) panels.openDetails(target.accountId, target.token.id, target.token.name);
      },
    ),
    command(
      'tessera.regenerateToken',
      'Regenerate token',
      async (arg?: unknown) => {
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
        // A failed call keeps the expiry chosen: Retry (or Sign In) goes on with it, not with the pick again.
        await keepAnswers(async () => {
          const fresh = await regenerateToken(services, target.accountId, t, choice, { confirm: true });
          if (fresh) panels.openDetails(target.accountId, t.id, t.name, fresh);
        });
      },
    ),
    command(
      'tessera.changeTokenExpiry',
      'Change token expiry',
      async (arg?: unknown) => {
        const target = await resolveToken(services, store, arg, 'Change Token Expiry', canChangeExpiry);
        if (!target) return;
        const t = target.token;
        const choice = await pickExpiry({ title: `New expiry for “${t.name}” (${expiryText(t, Date.now())})`, allowNone: t.kind === 'classic' });
        if (!choice) return;
        await keepAnswers(async () => {
          const updated = await changeTokenExpiry(services, target.accountId, t, choice);
          if (updated) void vscode.window.showInformationMessage(expiryChangedText(updated, Date.now()));
        });
      },
    ),
    command(
      'tessera.expireToken',
      'Expire token',
      async (arg?: unknown) => {
        const target = await resolveToken(services, store, arg, 'Expire Token Now', canChangeExpiry);
        if (!target) return;
        if (await expireTokenNow(services, target.accountId, target.token)) {
          void vscode.window.showInformationMessage(`“${target.token.name}” has expired.`);
        }
      },
    ),
    command(
      'tessera.deleteToken',
      'Delete token',
      async (arg?: unknown) => {
        const target = await resolveToken(services, store, arg, 'Delete Token');
        if (!target) return;
        if ((await deleteToken(services, target.accountId, target.token)) === 'deleted') {
          void vscode.window.showInformationMessage(`Deleted the token “${target.token.name}”.`);
        }
      },
    ),
  ];
}
