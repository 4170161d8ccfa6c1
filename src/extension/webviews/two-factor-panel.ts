// The "Two-factor" webview: a QR code of the otpauth:// URI (rendered here, in the extension,
// as SVG by `qrcode`, passed in as a data: URI — no remote content), the secret as text, enable
// with a code, then the ten recovery codes to copy or save to a file. Once enabled: new recovery
// codes, or turning two-factor off (each confirmed in a modal; the core asks for sudo if needed).
import * as vscode from 'vscode';
import * as os from 'node:os';
import type { TesseraServices } from '../services';
import { accountApi } from '../api/provider-api';
import { writePrivateFile } from '../private-file';
import { confirmModal } from '../views/token-actions';
import { WebviewHost } from './webview-host';
import { CopyableTexts } from './copyable-texts';
import type { RecoveryCodesResult, TwoFactorInit, TwoFactorSetupData } from '../../shared/webview-protocol';
import type { CallParams } from './call-params';

const TWO_FACTOR_VIEW_TYPE = 'tessera.twoFactor';

/**
 * Recovery codes get past two-factor authentication: on disk the file is the user's only (0600).
 * Other file systems (a remote one) go through VS Code's, which has no notion of a mode.
 */
async function writeRecoveryCodes(target: vscode.Uri, text: string): Promise<void> {
  if (target.scheme === 'file') await writePrivateFile(target.fsPath, text);
  else await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
}

async function qrSvgDataUri(text: string): Promise<string> {
  const imported = await import('qrcode');
  const QRCode: typeof import('qrcode') = (imported as { default?: typeof import('qrcode') }).default ?? imported;
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } });
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

export class TwoFactorPanel {
  readonly host: WebviewHost;
  /** The recovery codes the provider last gave this page (Save to File writes these, nothing else). */
  private recoveryCodes: readonly string[] | undefined;
  /** The setup keys and recovery codes this page was given to show: its Copy button copies these only. */
  private readonly copyable = new CopyableTexts();

  constructor(
    extensionUri: vscode.Uri,
    private readonly services: TesseraServices,
    readonly accountId: string,
    /** 2FA was turned on (true) or off (false) from this page. */
    private readonly onChanged: (accountId: string, enabled: boolean) => void,
    /** Whether 2FA is on: as known when the page opened, then as it turns on or off. */
    private enabled: boolean,
  ) {
    const account = services.accounts().find((a) => a.id === accountId);
    const panel = vscode.window.createWebviewPanel(TWO_FACTOR_VIEW_TYPE, `Two-Factor Setup${account ? `: ${account.login}` : ''}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
    });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'tessera.svg');
    this.host = new WebviewHost(panel, extensionUri, 'two-factor', this.handlers(), () => this.initData(), services.log);
  }

  private initData(): TwoFactorInit {
    const a = this.services.accounts().find((x) => x.id === this.accountId);
    return { accountId: this.accountId, login: a?.login ?? '', origin: a?.providerOrigin ?? '', alreadyEnabled: this.enabled };
  }

  /** Opened again while it is open: the page follows 2FA turned on or off meanwhile (elsewhere). */
  knownEnabled(enabled: boolean): void {
    if (enabled === this.enabled) return;
    this.enabled = enabled;
    this.host.reinit();
  }

  private turned(enabled: boolean): void {
    this.enabled = enabled;
    this.onChanged(this.accountId, enabled);
  }

  private handlers() {
    return {
      setup: async (): Promise<TwoFactorSetupData> => {
        const r = await accountApi(this.services, this.accountId).setUpTwoFactor();
        return { secret: this.copyable.give(r.secret, 'the setup key'), otpauthUri: r.otpauth_uri, qrDataUri: await qrSvgDataUri(r.otpauth_uri) };
      },
      enable: async (p: CallParams): Promise<RecoveryCodesResult> => {
        const r = await accountApi(this.services, this.accountId).enableTwoFactor({ code: p.string('code').replace(/\s+/g, '') });
        this.recoveryCodes = r.recovery_codes;
        this.copyable.give(r.recovery_codes.join('\n'), 'the recovery codes');
        this.turned(true);
        return { recoveryCodes: r.recovery_codes };
      },
      newRecoveryCodes: async (): Promise<RecoveryCodesResult> => {
        const ok = await confirmModal(
          'Generate new recovery codes?',
          'Ten new codes replace all of your current recovery codes: the old ones stop working at once.',
          'Generate New Codes',
        );
        if (!ok) return {};
        const r = await accountApi(this.services, this.accountId).newRecoveryCodes();
        this.recoveryCodes = r.recovery_codes;
        this.copyable.give(r.recovery_codes.join('\n'), 'the recovery codes');
        return { recoveryCodes: r.recovery_codes };
      },
      disable: async (): Promise<{ disabled: boolean }> => {
        const login = this.services.accounts().find((x) => x.id === this.accountId)?.login ?? 'this account';
        const ok = await confirmModal(
          `Turn off two-factor authentication for ${login}?`,
          'Signing in will ask only for your password, and your authenticator app and recovery codes stop working for this account.',
          'Turn Off',
        );
        if (!ok) return { disabled: false };
        await accountApi(this.services, this.accountId).disableTwoFactor();
        this.recoveryCodes = undefined;
        this.turned(false);
        return { disabled: true };
      },
      copy: async (p: CallParams) => this.copyable.copy(p),
      save: async (): Promise<{ saved?: string }> => {
        const codes = this.recoveryCodes;
        if (!codes) throw new Error('There are no recovery codes to save: they are shown only when they are made.');
        const a = this.services.accounts().find((x) => x.id === this.accountId);
        // the home folder, never the workspace (where the file could end up in a commit)
        const base = vscode.Uri.file(os.homedir());
        const target = await vscode.window.showSaveDialog({
          title: 'Save Recovery Codes',
          defaultUri: vscode.Uri.joinPath(base, `tessera-recovery-codes-${a?.login ?? 'account'}.txt`),
          filters: { Text: ['txt'] },
          saveLabel: 'Save Recovery Codes',
        });
        if (!target) return {};
        const text = [
          `Tessera recovery codes for ${a?.login ?? ''} on ${a?.providerOrigin ?? ''}`,
          'Each code works once, in place of a two-factor code. Keep them somewhere safe.',
          '',
          ...codes,
          '',
        ].join('\n');
        await writeRecoveryCodes(target, text);
        return { saved: target.scheme === 'file' ? target.fsPath : target.toString() };
      },
      close: () => this.host.dispose(),
    };
  }
}
