// Changes to one token, shared by the tree's commands and the webviews: create, regenerate,
// change expiry, expire now, delete. Each asks for confirmation where it destroys something (modal,
// naming the token), tells the core about new secrets — best effort: a new secret is handed back
// to be shown even when it could not be kept — and fires services.fireTokensChanged() so every
// view refreshes.
import * as vscode from 'vscode';
import { accountApi } from '../api/provider-api';
import type { TesseraServices } from '../services';
import type { CreateTokenRequest, TokenJson } from '../../shared/api-types';
import type { CreateTokenResult, ExpiryChoice } from '../../shared/webview-protocol';
import { expiryFromDate, expiryFromPreset, expiryText } from '../../shared/token-text';

/** The `expires_at` value for a choice: ISO string, null (no expiry), or undefined (keep). */
function expiresAtFor(choice: ExpiryChoice, now: number): string | null | undefined {
  switch (choice.mode) {
    case 'days':
      return expiryFromPreset(choice.days, now);
    case 'date': {
      const iso = expiryFromDate(choice.date);
      if (!iso) throw new Error(`"${choice.date}" is not a date (YYYY-MM-DD)`);
      return iso;
    }
    case 'none':
      return null;
    case 'keep':
      return undefined;
  }
}


export async function confirmModal(message: string, detail: string, action: string): Promise<boolean> {
  const pick = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
  return pick === action;
}

/**
 * Makes a token (the Create Token form). Its secret comes back whatever keeping it does: when it
 * could not be kept, with a warning that git will not use the token.
 */
export async function createToken(services: TesseraServices, accountId: string, body: CreateTokenRequest): Promise<CreateTokenResult> {
  const token = await accountApi(services, accountId).createToken(body);
  const warning = typeof token.token === 'string' ? await services.rememberTokenSecret(accountId, token.id, token.token) : undefined;
  services.fireTokensChanged();
  return { token, ...(warning ? { warning } : {}) };
}

export async function regenerateToken(
  services: TesseraServices,
  accountId: string,
  token: TokenJson,
  choice: ExpiryChoice,
  opts: { confirm: boolean },
): Promise<TokenJson | undefined> {
  // An expiry that cannot be is refused before the person confirms, not after.
  const expires_at = expiresAtFor(choice, Date.now());
  if (opts.confirm) {
    const ok = await confirmModal(
      `Regenerate the token “${token.name}”?`,
      'A new secret replaces the current one at once: anything still using the current secret stops working.',
      'Regenerate',
    );
    if (!ok) return undefined;
  }
  const fresh = await accountApi(services, accountId).regenerateToken(token.id, expires_at === undefined ? {} : { expires_at });
  // The old secret is dead now: the new one goes back to be shown whatever keeping it here does.
  const warning = typeof fresh.token === 'string' ? await services.rememberTokenSecret(accountId, fresh.id, fresh.token) : undefined;
  if (warning) void vscode.window.showWarningMessage(`“${token.name}” was regenerated. ${warning}`);
  services.fireTokensChanged();
  return fresh;
}

export async function changeTokenExpiry(services: TesseraServices, accountId: string, token: TokenJson, choice: ExpiryChoice): Promise<TokenJson | undefined> {
  const expires_at = expiresAtFor(choice, Date.now());
  if (expires_at === undefined) return undefined;
  const updated = await accountApi(services, accountId).updateToken(token.id, { expires_at });
  services.fireTokensChanged();
  return updated;
}

/**
 * Expires the token after a confirmation; the token this editor signs in with gets its own
 * warning (expired, it no longer lets this editor reach the account). False when cancelled.
 */
export async function expireTokenNow(services: TesseraServices, accountId: string, token: TokenJson): Promise<boolean> {
  const login = services.accounts().find((a) => a.id === accountId)?.login ?? 'this account';
  const ok =
    token.id === services.signInTokenId(accountId)
      ? await confirmModal(
          `This is the token this editor signs in with. Expiring it signs you out of ${login} here.`,
          `“${token.name}” is how VS Code reaches Tessera as ${login}. Expired, it stops working at once: this editor can no longer reach ${login} (nor list, make or change tokens) until you sign in again, which makes a new one.`,
          'Expire Now',
        )
      : await confirmModal(
          `Expire the token “${token.name}” now?`,
          `Right now it ${expiryText(token, Date.now())}. Expired, it stops working at once; you can regenerate it later with a new expiry.`,
          'Expire Now',
        );
  if (!ok) return false;
  // The provider sets the expiry to its own "now": the token is refused from the next request on.
  await accountApi(services, accountId).expireToken(token.id);
  services.fireTokensChanged();
  return true;
}

/**
 * Deletes the token after a confirmation. The token this editor signs in with gets its own warning,
 * and deleting it is signing out of the account here ('signed-out'). False when cancelled.
 */
export async function deleteToken(services: TesseraServices, accountId: string, token: TokenJson): Promise<'deleted' | 'signed-out' | false> {
  if (token.id === services.signInTokenId(accountId)) {
    const login = services.accounts().find((a) => a.id === accountId)?.login ?? 'this account';
    const signOut = await confirmModal(
      `This is the token this editor signs in with. Deleting it signs you out of ${login} here.`,
      `“${token.name}” is how VS Code reaches Tessera as ${login}. Deleting it signs you out of ${login} in this editor and deletes the tokens it made for other extensions; your other tokens stay. Sign in again to get a new one.`,
      'Delete and Sign Out',
    );
    if (!signOut) return false;
    await services.signOut(accountId);
    return 'signed-out';
  }
  const ok = await confirmModal(
    `Delete the token “${token.name}”?`,
    `Anything using the token ending in …${token.token_last_eight} loses access at once, and deploy keys made with it are deleted too. This cannot be undone.`,
    'Delete',
  );
  if (!ok) return false;
  await accountApi(services, accountId).deleteToken(token.id);
  await services.forgetTokenSecret(accountId, token.id).catch(() => undefined);
  services.fireTokensChanged();
  return 'deleted';
}
