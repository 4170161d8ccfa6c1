// The organizations of every signed-in account (GET /user/memberships/orgs), loaded on demand.
// Owning one (role `admin`, GitHub's name for an owner) shows the Approvals view: this store
// keeps the `tessera.ownsOrg` and `tessera.hideApprovals` context keys right.
import * as vscode from 'vscode';
import { TesseraError, type TesseraServices } from '../services';
import type { MembershipJson } from '../../shared/api-types';
import { accountApi } from '../api/provider-api';
import { withTimeout } from './view-errors';
import { LOAD_TIMEOUT_MS } from './token-view-model';

export interface OrgRef {
  readonly accountId: string;
  readonly org: string;
  readonly role: 'admin' | 'member';
}

export class OrgViewModel implements vscode.Disposable {
  private readonly cache = new Map<string, readonly OrgRef[]>();
  private readonly inflight = new Map<string, Promise<readonly OrgRef[]>>();
  private generation = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private lastOwns: boolean | undefined;

  constructor(private readonly services: TesseraServices) {}

  /** Active memberships of one account. Rejects with TesseraError. */
  orgs(accountId: string): Promise<readonly OrgRef[]> {
    const hit = this.cache.get(accountId);
    if (hit) return Promise.resolve(hit);
    const running = this.inflight.get(accountId);
    if (running) return running;
    const gen = this.generation;
    const p = withTimeout(accountApi(this.services, accountId).orgMemberships(), LOAD_TIMEOUT_MS, this.services)
      // a provider without organizations (404 on the endpoint) has no memberships
      .catch((err: unknown) => {
        if (err instanceof TesseraError && err.kind === 'not-found') return [] as MembershipJson[];
        throw err;
      })
      .then((list) => {
        const orgs: OrgRef[] = (Array.isArray(list) ? list : [])
          .filter((m) => m.state === 'active')
          .map((m) => ({ accountId, org: m.organization.login, role: m.role === 'admin' ? 'admin' : 'member' }));
        orgs.sort((a, b) => a.org.localeCompare(b.org));
        if (gen === this.generation) this.cache.set(accountId, orgs);
        return orgs;
      });
    const tracked = p.finally(() => {
      if (this.inflight.get(accountId) === tracked) this.inflight.delete(accountId);
    });
    this.inflight.set(accountId, tracked);
    return tracked;
  }

  /** Orgs the account owns. */
  async ownedOrgs(accountId: string): Promise<readonly OrgRef[]> {
    return (await this.orgs(accountId)).filter((o) => o.role === 'admin');
  }

  invalidate(): void {
    this.generation++;
    this.cache.clear();
    this.inflight.clear();
    this.changed.fire();
  }

  /**
   * Re-reads every account's memberships and sets the context keys. Signed out → the Approvals
   * view stays visible (with its welcome text). A provider that cannot answer leaves them as
   * they were.
   */
  async updateContext(): Promise<void> {
    const accounts = this.services.accounts();
    if (!accounts.length) {
      await this.setOwns(false, false);
      return;
    }
    let owns = false;
    let known = false;
    for (const a of accounts) {
      try {
        if ((await this.ownedOrgs(a.id)).length) owns = true;
        known = true;
      } catch {
        // unknown for this account
      }
    }
    if (known || owns) await this.setOwns(owns, true);
  }

  private async setOwns(owns: boolean, signedIn: boolean): Promise<void> {
    const hide = signedIn && !owns;
    if (this.lastOwns === owns && this.lastHide === hide) return;
    this.lastOwns = owns;
    this.lastHide = hide;
    await vscode.commands.executeCommand('setContext', 'tessera.ownsOrg', owns);
    await vscode.commands.executeCommand('setContext', 'tessera.hideApprovals', hide);
  }
  private lastHide: boolean | undefined;

  dispose(): void {
    this.changed.dispose();
  }
}
