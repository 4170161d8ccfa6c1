// The one signal that something changed on the provider for an account — made anywhere: another
// window, the terminal, gh, git, another replica. Fired by the account's change stream
// (./change-streams.ts); every tree and open webview that shows provider data subscribes through
// `TesseraServices.onDidChangeRemote` and reloads what it shows. Never a manual refresh.
import * as vscode from 'vscode';

interface RemoteChange {
  /** The account whose data may have changed. */
  readonly accountId: string;
}

export class RemoteChanges implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<RemoteChange>();
  readonly event = this.emitter.event;

  fire(accountId: string): void {
    this.emitter.fire({ accountId });
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
