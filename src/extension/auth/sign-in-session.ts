// An account's own sign-in as a session of the 'tessera' authentication provider. VS Code's
// Accounts menu lists an account once the provider's getSessions (with no scopes) answers a session
// of it, and drops it when onDidChangeSessions removes the last one: this session is what keeps a
// signed-in account there even before any extension asked for a token. It is listed only for that
// unscoped query (never handed to an extension for a scope list), and removing it is signing out.
// Once the provider refused its token (AccountStore.signInEnded) it is not listed: removed.
import type * as vscode from 'vscode';
import { sessionIdOf, type AccountSecrets } from '../accounts/account-secrets';
import { ADMIN_SCOPES } from './sign-in-core';

export function signInSessionId(accountId: string, secrets: AccountSecrets): string {
  return sessionIdOf(accountId, secrets.admin.tokenId);
}

export function signInSession(accountId: string, label: string, secrets: AccountSecrets): vscode.AuthenticationSession {
  return { id: signInSessionId(accountId, secrets), accessToken: secrets.admin.token, account: { id: accountId, label }, scopes: [...ADMIN_SCOPES] };
}

interface SignInSessionsDiff {
  readonly added: vscode.AuthenticationSession[];
  readonly removed: vscode.AuthenticationSession[];
  readonly changed: vscode.AuthenticationSession[];
}

/** What changed between two sets of sign-in sessions (by id; a new label is a change). */
export function diffSignInSessions(
  before: ReadonlyMap<string, vscode.AuthenticationSession>,
  after: ReadonlyMap<string, vscode.AuthenticationSession>,
): SignInSessionsDiff {
  const added: vscode.AuthenticationSession[] = [];
  const changed: vscode.AuthenticationSession[] = [];
  for (const [id, s] of after) {
    const b = before.get(id);
    if (!b) added.push(s);
    else if (b.account.label !== s.account.label) changed.push(s);
  }
  const removed = [...before].filter(([id]) => !after.has(id)).map(([, s]) => s);
  return { added, removed, changed };
}
