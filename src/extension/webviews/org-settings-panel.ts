// The organization settings webview: the org's token policy (approval of fine-grained tokens,
// classic tokens allowed or restricted, lifetime caps, SSO) as a form; one panel per account and
// org, re-opening reveals it. Members and invitations live in the Organizations view.
import * as vscode from 'vscode';
import { accountApi } from '../api/provider-api';
import type { TesseraServices } from '../services';
import type { OrgSettingsData, OrgSettingsInit, OrgSettingsSave } from '../../shared/webview-protocol';
import { WebviewHost } from './webview-host';
import type { CallParams } from './call-params';

const ORG_SETTINGS_VIEW_TYPE = 'tessera.orgSettings';

class OrgSettingsPanel {
  readonly host: WebviewHost;

  constructor(
    extensionUri: vscode.Uri,
    private readonly services: TesseraServices,
    readonly accountId: string,
    readonly org: string,
  ) {
    const panel = vscode.window.createWebviewPanel(ORG_SETTINGS_VIEW_TYPE, `Organization: ${org}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
    });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'tessera.svg');
    this.host = new WebviewHost(panel, extensionUri, 'org-settings', this.handlers(), () => this.initData(), services.log);
  }

  private initData(): OrgSettingsInit {
    const a = this.services.accounts().find((x) => x.id === this.accountId);
    return { accountId: this.accountId, accountLabel: a ? `${a.login} · ${a.providerOrigin}` : this.accountId, org: this.org };
  }

  private handlers() {
    const api = () => accountApi(this.services, this.accountId);
    return {
      load: async (): Promise<OrgSettingsData> => ({ policy: await api().tokenPolicy(this.org) }),
      save: async (p: CallParams): Promise<OrgSettingsData> => {
        const policy = p.object<OrgSettingsSave['policy']>('policy');
        const saved = await api().updateTokenPolicy(this.org, policy);
        this.services.log.info(`Token policy of ${this.org} saved`);
        return { policy: saved };
      },
    };
  }
}

/** The open settings panels, one per account and org. */
export class OrgSettingsPanels implements vscode.Disposable {
  private readonly open_ = new Map<string, OrgSettingsPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly services: TesseraServices,
  ) {}

  open(accountId: string, org: string): OrgSettingsPanel {
    const key = `${accountId}\u0000${org}`;
    let p = this.open_.get(key);
    if (p && !p.host.isDisposed) {
      p.host.panel.reveal();
      return p;
    }
    p = new OrgSettingsPanel(this.extensionUri, this.services, accountId, org);
    this.open_.set(key, p);
    const panel = p;
    p.host.onDidClose(() => {
      if (this.open_.get(key) === panel) this.open_.delete(key);
    });
    return p;
  }

  /** The provider says something changed for the account: its panels reload (unless edited). */
  remoteChanged(accountId: string): void {
    for (const p of this.open_.values()) if (p.accountId === accountId) p.host.update();
  }

  /** Accounts changed: close the panels of accounts that are gone. */
  accountsChanged(): void {
    const live = new Set(this.services.accounts().map((a) => a.id));
    for (const p of [...this.open_.values()]) if (!live.has(p.accountId)) p.host.dispose();
  }

  dispose(): void {
    for (const p of this.open_.values()) p.host.dispose();
  }
}
