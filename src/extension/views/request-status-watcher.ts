// Notices when a token request the user made was approved or denied since the last look. Keeps the
// last seen status of each token in globalState — statuses only (id → status), never a secret.
import * as vscode from 'vscode';
import type { TesseraServices } from '../services';
import type { TokenJson, TokenStatus } from '../../shared/api-types';
import { denialReason } from '../../shared/token-text';
import type { TokenViewModel, TokensLoaded } from './token-view-model';

export const LAST_SEEN_KEY = 'tessera.views.lastSeenTokenStatuses';
type Seen = Record<string, Record<string, TokenStatus>>;

interface StatusChange {
  readonly token: TokenJson;
  readonly from: TokenStatus;
  readonly to: 'active' | 'denied';
}

/** The approvals/denials between two looks: tokens seen `pending` before and decided now. */
export function decidedSince(previous: Record<string, TokenStatus> | undefined, tokens: readonly TokenJson[]): StatusChange[] {
  if (!previous) return [];
  const out: StatusChange[] = [];
  for (const t of tokens) {
    const before = previous[String(t.id)];
    if (before === 'pending' && (t.status === 'active' || t.status === 'denied')) out.push({ token: t, from: before, to: t.status });
  }
  return out;
}

export class RequestStatusWatcher implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly services: TesseraServices,
    store: TokenViewModel,
    private readonly memento: vscode.Memento,
  ) {
    this.disposables.push(store.onDidLoad((e) => void this.onLoaded(e)));
  }

  private async onLoaded({ accountId, tokens }: TokensLoaded): Promise<void> {
    const seen: Seen = { ...(this.memento.get<Seen>(LAST_SEEN_KEY) ?? {}) };
    const changes = decidedSince(seen[accountId], tokens);
    const next: Record<string, TokenStatus> = {};
    for (const t of tokens) if (t.kind === 'fine_grained') next[String(t.id)] = t.status;
    seen[accountId] = next;
    // forget accounts that are gone
    const live = new Set(this.services.accounts().map((a) => a.id));
    for (const k of Object.keys(seen)) if (!live.has(k)) delete seen[k];
    await this.memento.update(LAST_SEEN_KEY, seen);
    for (const c of changes) void this.notify(accountId, c);
  }

  private async notify(accountId: string, c: StatusChange): Promise<void> {
    const org = c.token.resource_owner ?? 'the organization';
    const show = 'Show Token';
    const pick =
      c.to === 'active'
        ? await vscode.window.showInformationMessage(`Your request for the token “${c.token.name}” was approved by ${org}.`, show)
        : await vscode.window.showWarningMessage(
            `Your request for the token “${c.token.name}” was denied by ${org}${denialReason(c.token) ? `: ${denialReason(c.token)}` : '.'}`,
            show,
          );
    if (pick === show) await vscode.commands.executeCommand('tessera.inspectToken', { accountId, tokenId: c.token.id });
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
