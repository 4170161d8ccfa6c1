// The "Token details" webview: everything about one token except its secret, its audit events,
// and regenerate (the new secret shown once), change expiry, delete. One panel per token.
import * as vscode from 'vscode';
import type { TesseraServices } from '../services';
import { TesseraError } from '../services';
import type { AuditEventJson, TokenJson } from '../../shared/api-types';
import { accountApi } from '../api/provider-api';
import { changeTokenExpiry, deleteToken, regenerateToken } from '../views/token-actions';
import { WebviewHost } from './webview-host';
import { CopyableTexts } from './copyable-texts';
import type { TokenDetailsData, TokenDetailsInit } from '../../shared/webview-protocol';
import type { CallParams } from './call-params';

const TOKEN_DETAILS_VIEW_TYPE = 'tessera.tokenDetails';

/** Audit events about one token, newest first. */
function eventsForToken(events: readonly AuditEventJson[], tokenId: number): AuditEventJson[] {
  return events.filter((e) => e.token_id === tokenId).sort((a, b) => b['@timestamp'] - a['@timestamp']);
}

export class TokenDetailsPanel {
  readonly host: WebviewHost;

  constructor(
    extensionUri: vscode.Uri,
    private readonly services: TesseraServices,
    readonly accountId: string,
    readonly tokenId: number,
    title: string,
  ) {
    const panel = vscode.window.createWebviewPanel(TOKEN_DETAILS_VIEW_TYPE, title, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      enableFindWidget: true,
    });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'tessera.svg');
    this.host = new WebviewHost(panel, extensionUri, 'token-details', this.handlers(), () => this.initData(), services.log);
  }

  private pendingSecret: { secret: string; lastEight: string } | undefined;
  /** The new secrets this page was given to show: its Copy button copies these only. */
  private readonly copyable = new CopyableTexts();
  /** Deleted from this tab (it says so itself, then closes). */
  private deletedHere = false;

  private initData(): TokenDetailsInit {
    const a = this.services.accounts().find((x) => x.id === this.accountId);
    const secret = this.pendingSecret;
    this.pendingSecret = undefined; // shown once
    return {
      accountId: this.accountId,
      accountLabel: a ? `${a.login} · ${a.providerOrigin}` : this.accountId,
      tokenId: this.tokenId,
      now: Date.now(),
      ...(secret ? { secret } : {}),
    };
  }

  private async current(): Promise<TokenJson> {
    return accountApi(this.services, this.accountId).token(this.tokenId);
  }

  private handlers() {
    return {
      load: async (): Promise<TokenDetailsData> => {
        let token: TokenJson;
        try {
          token = await this.current();
        } catch (err) {
          if (err instanceof TesseraError && err.kind === 'not-found') {
            this.closeGone();
            return { gone: true, events: [], now: Date.now() };
          }
          throw err;
        }
        // The tab was closed while the token was read: nobody waits for the answer (and a closed panel has no title to set).
        if (this.host.isDisposed) return { token, events: [], now: Date.now() };
        this.host.panel.title = `Token: ${token.name}`;
        let events: AuditEventJson[] = [];
        let eventsError: string | undefined;
        try {
          // Asked for by token: a page of the whole log would miss an older token's events.
          const about = await accountApi(this.services, this.accountId).auditLog({ phrase: `token_id:${this.tokenId}`, perPage: 100 });
          events = eventsForToken(Array.isArray(about) ? about : [], this.tokenId);
        } catch (err) {
          eventsError = err instanceof Error ? err.message : 'The audit log could not be read';
        }
        return { token, events, eventsError, now: Date.now() };
      },
      regenerate: async (p: CallParams) => {
        const expiry = p.expiry('expiry');
        const fresh = await regenerateToken(this.services, this.accountId, await this.current(), expiry, { confirm: true });
        if (typeof fresh?.token === 'string') this.copyable.give(fresh.token, 'the token');
        return fresh ? { token: fresh } : { cancelled: true };
      },
      changeExpiry: async (p: CallParams) => {
        const expiry = p.expiry('expiry');
        const updated = await changeTokenExpiry(this.services, this.accountId, await this.current(), expiry);
        return { token: updated };
      },
      delete: async () => {
        const ok = !!(await deleteToken(this.services, this.accountId, await this.current()));
        if (ok) {
          this.deletedHere = true;
          setTimeout(() => this.host.dispose(), 1500);
        }
        return { deleted: ok };
      },
      copy: async (p: CallParams) => this.copyable.copy(p),
    };
  }

  /** The token was deleted elsewhere (another window, the terminal, gh): its tab closes and says why. */
  private closeGone(): void {
    if (this.deletedHere || this.host.isDisposed) return;
    const name = this.host.panel.title.replace(/^Token: /, '');
    this.host.dispose();
    void vscode.window.showInformationMessage(`The token “${name}” was deleted, so its tab was closed.`);
  }

  /** Shows a secret that was just minted elsewhere (regenerate from the tree), once. */
  showSecret(token: TokenJson): void {
    if (typeof token.token !== 'string') return;
    const secret = { secret: this.copyable.give(token.token, 'the token'), lastEight: token.token_last_eight };
    if (this.host.isReady) this.host.update({ secret });
    else this.pendingSecret = secret;
  }
}
