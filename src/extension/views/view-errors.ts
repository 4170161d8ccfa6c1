// What a view shows instead of its content when the provider cannot answer: one clickable item
// ("Provider at https://… is not reachable — Retry"), never an endless spinner.
import * as vscode from 'vscode';
import { TesseraError, type TesseraServices } from '../services';

/** Rejects with a 'provider-down' TesseraError when `p` takes longer than `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, services: TesseraServices): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const origin = services.providerState().origin;
      reject(new TesseraError('provider-down', `Provider at ${origin} did not answer within ${Math.round(ms / 1000)} seconds`, { url: origin }));
    }, ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

export class ProblemItem extends vscode.TreeItem {
  readonly problem = true;
  constructor(label: string, icon: string, command: vscode.Command | undefined, tooltip?: string, description?: string) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon(icon, icon === 'error' || icon === 'warning' ? new vscode.ThemeColor(icon === 'error' ? 'errorForeground' : 'list.warningForeground') : undefined);
    this.command = command;
    this.tooltip = tooltip ?? (description ? `${label} — ${description}` : label);
    this.description = description;
    this.contextValue = 'problem';
  }
}

/** The item for a provider that is down (from services.providerState()). */
export function providerDownItem(services: TesseraServices, retryCommand: string): ProblemItem {
  const st = services.providerState();
  // the core's own words when it has them ("The embedded provider at … is starting…")
  const what = st.message && !/not reachable/i.test(st.message) ? st.message.trim().replace(/\.$/, '') : `Provider at ${st.origin} is not reachable`;
  return new ProblemItem(
    `${what} — Retry`,
    'debug-disconnect',
    { command: retryCommand, title: 'Retry' },
    st.message ? `${st.message}\nClick to retry.` : 'Click to retry.',
  );
}

/** The item for a failed load, by kind. */
export function problemItemFor(err: unknown, services: TesseraServices, retryCommand: string): ProblemItem {
  const retry = { command: retryCommand, title: 'Retry' };
  if (err instanceof TesseraError) {
    switch (err.kind) {
      case 'provider-down':
      case 'network': {
        const origin = err.details.url ?? services.providerState().origin;
        return new ProblemItem(`Provider at ${origin} is not reachable — Retry`, 'debug-disconnect', retry, `${err.message}\nClick to retry.`);
      }
      case 'signed-out':
        return new ProblemItem(
          'Signed out: the sign-in token is gone — Sign In Again',
          'sign-in',
          { command: 'tessera.signIn', title: 'Sign In Again', arguments: err.providerOrigin ? [{ origin: err.providerOrigin }] : [] },
          `${err.message}\nClick to sign in again.`,
        );
      case 'cancelled':
        return new ProblemItem('Cancelled — Retry', 'refresh', retry);
      default:
        return new ProblemItem(`${err.message} — Retry`, 'error', retry, err.message);
    }
  }
  const msg = err instanceof Error ? err.message : String(err);
  return new ProblemItem(`${msg} — Retry`, 'error', retry, msg);
}
