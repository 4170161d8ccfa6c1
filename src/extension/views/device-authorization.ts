// "Tessera: Authorize a Device…": a program on some device (gh auth login, any OAuth app using the
// device flow) shows a one-time code; the person types it here, sees which app asks for which
// scopes, and authorizes it (sudo: the core asks for the password again when needed). The device
// then collects its token, which shows in the Tokens tree with the user's other tokens.
import * as vscode from 'vscode';
import { accountApi } from '../api/provider-api';
import { askThenUse } from '../auth/quick-input';
import { resolveAccountId } from '../commands/command-args';
import { registerCommand } from '../commands/register-command';
import { TesseraError, type TesseraServices } from '../services';
import type { DeviceAuthorizationJson } from '../../shared/api-types';
import { CLASSIC_SCOPES } from '../../shared/classic-scopes';
import { normalizeUserCode } from '../../shared/user-code';

const TITLE = 'Authorize a Device';
const POLL_MS = 1000;

/** The provider's answer for a typed code, in words for this command. */
function explain(err: unknown, code: string): unknown {
  if (!(err instanceof TesseraError)) return err;
  switch (err.details.status) {
    case 404:
      return new TesseraError('not-found', `No device is waiting for the code ${code}. Check the code the device shows, or start again on the device.`, err.details);
    case 410:
      return new TesseraError('validation', `The code ${code} has expired. Start again on the device (for gh: gh auth login) to get a new code.`, err.details);
    case 409:
      return new TesseraError('validation', `The code ${code} has already been approved or denied. Start again on the device to get a new code.`, err.details);
    default:
      return err;
  }
}

function scopeLines(scopes: readonly string[]): string {
  if (!scopes.length) return 'No scopes: public information only.';
  return scopes.map((s) => `• ${s} — ${CLASSIC_SCOPES.find((c) => c.name === s)?.description ?? s}`).join('\n');
}

/** Follows the authorization until the device has its token (or it expires, or the person stops waiting). */
async function waitForDevice(services: TesseraServices, accountId: string, approved: DeviceAuthorizationJson): Promise<DeviceAuthorizationJson> {
  const api = accountApi(services, accountId);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Waiting for ${approved.app.name} to collect its token…`, cancellable: true },
    async (_progress, cancel) => {
      let current = approved;
      while (current.status === 'approved' && !cancel.isCancellationRequested) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        current = await api.deviceAuthorization(approved.id);
      }
      return current;
    },
  );
}

async function authorizeDevice(services: TesseraServices, arg?: unknown): Promise<void> {
  const accountId = await resolveAccountId(services, arg, TITLE);
  if (!accountId) return;
  const login = services.accounts().find((a) => a.id === accountId)?.login ?? 'your account';
  const api = accountApi(services, accountId);
  // A code no device waits for, or a provider that is down, opens the box again with the code.
  const authorized = await askThenUse(
    {
      title: TITLE,
      prompt: `The one-time code the device shows (e.g. after gh auth login), to authorize it as ${login}`,
      placeholder: 'ABCD-2345',
      validate: (v) => (v.trim() === '' || normalizeUserCode(v) ? undefined : 'A code is eight letters and digits, like ABCD-2345'),
    },
    async (typed) => {
      const code = normalizeUserCode(typed);
      if (!code) return undefined;
      const device = await api.lookUpDevice(code).catch((err) => Promise.reject(explain(err, code)));
      const authorize = 'Authorize';
      const choice = await vscode.window.showWarningMessage(
        `Authorize ${device.app.name} to act as ${login}?`,
        {
          modal: true,
          detail: `${device.app.name} (${device.app.url}, ${device.app.owner === null ? 'built in to the provider' : `registered by ${device.app.owner}`}) will get a token with these scopes:\n${scopeLines(device.scopes)}\n\nOnly authorize a code you started yourself. You can revoke the token in the Tokens view.`,
        },
        authorize,
      );
      if (choice !== authorize) return undefined;
      return { device, approved: await api.approveDevice(code).catch((err) => Promise.reject(explain(err, code))) };
    },
  );
  if (!authorized) return;
  const { device, approved } = authorized;
  services.fireTokensChanged();
  const done = await waitForDevice(services, accountId, approved);
  services.fireTokensChanged();
  if (done.status === 'used') {
    void vscode.window.showInformationMessage(`${device.app.name} is authorized as ${login}: its token is in the Tokens view.`);
  } else if (done.status === 'approved') {
    void vscode.window.showInformationMessage(`${device.app.name} is authorized as ${login}. Its token shows in the Tokens view once the device has collected it.`);
  } else {
    throw new TesseraError('validation', `${device.app.name} did not collect its token before the code expired. Start again on the device.`);
  }
}

export function registerDeviceCommands(services: TesseraServices): vscode.Disposable[] {
  return [registerCommand(services, 'tessera.authorizeDevice', (arg?: unknown) => authorizeDevice(services, arg), TITLE)];
}
