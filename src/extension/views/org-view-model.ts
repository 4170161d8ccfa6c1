// The organizations of every signed-in account (GET /user/memberships/orgs: active memberships and
// pending invitations), loaded on demand. Owning one (role `admin`, GitHub's name for an owner)
// shows the Approvals view: this store keeps the `tessera.ownsOrg` and `tessera.hideApprovals`
// context keys right, every time an account's organizations load (so a new org shows it at once).
import * as vscode from 'vscode';
import { TesseraError, type TesseraServices } from '../services';
import type { MembershipJson } from '../../shared/api-types';
import { accountApi, allPages } from '../api/provider-api';
import { withTimeout } from './view-errors';
import { LOAD_TIMEOUT_MS } from './token-view-model';

export interface OrgRef {
  readonly accountId: string;
  readonly org: string;
  readonly role: 'admin' | 'member';
}

/** An account's memberships: the active ones and its pending invitations. */
interface AccountMemberships {
  readonly active: readonly OrgRef[];
  readonly pending: readonly OrgRef[];
}

export class OrgViewModel implements vscode.Disposable {
  private readonly cache = new Map<string, AccountMemberships>();
  private readonly inflight = new Map<string, Promise<AccountMemberships>>();
  private generation = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly loaded = new vscode.EventEmitter<string>();
  /** An account's memberships were (re)loaded (its id). */
  readonly onDidLoad = this.loaded.event;
  private lastOwns: boolean | undefined;

  constructor(private readonly services: TesseraServices) {}

  /** Active memberships of one account. Rejects with TesseraError. */
  async orgs(accountId: string): Promise<readonly OrgRef[]> {
    return (await this.memberships(accountId)).active;
  }

  /** The account's pending invitations (orgs it may join). Rejects with TesseraError. */
  async invitations(accountId: string): Promise<readonly OrgRef[]> {
    return (await this.memberships(accountId)).pending;
  }

  private memberships(accountId: string): Promise<AccountMemberships> {
    const hit = this.cache.get(accountId);
    if (hit) return Promise.resolve(hit);
    const running = this.inflight.get(accountId);
    if (running) return running;
    const gen = this.generation;
    const p = withTimeout(allPages((page) => accountApi(this.services, accountId).orgMemberships(page), 10), LOAD_TIMEOUT_MS, this.services)
      // a provider without organizations (404 on the endpoint) has no memberships
      .catch((err: unknown) => {
        if (err instanceof TesseraError && err.kind === 'not-found') return [] as MembershipJson[];
        throw err;
      })
      .then((list) => {
        const refs = (state: 'active' | 'pending'): OrgRef[] =>
          list
            .filter((m) => m.state === state)
            .map((m): OrgRef => ({ accountId, org: m.organization.login, role: m.role === 'admin' ? 'admin' : 'member' }))
            .sort((a, b) => a.org.localeCompare(b.org));
        const memberships: AccountMemberships = { active: refs('active'), pending: refs('pending') };
        if (gen === this.generation) {
          this.cache.set(accountId, memberships);
          this.loaded.fire(accountId);
          void this.contextFromCache();
        }
        return memberships;
      });
    const tracked = p.finally(() => {
      if (this.inflight.get(accountId) === tracked) this.inflight.delete(accountId);
    });
    this.inflight.set(accountId, tracked);
    return tracked;
  }

  /** The context keys from what is loaded: owning an org shows Approvals at once; "owns none" needs every account known. */
  private async contextFromCache(): Promise<void> {
    const accounts = this.services.accounts();
    const known = accounts.map((a) => this.cache.get(a.id));
    if (known.some((m) => m?.active.some((o) => o.role === 'admin'))) await this.setOwns(true, true);
    else if (accounts.length && known.every((m) => m)) await this.setOwns(false, true);
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
    this.loaded.dispose();
    this.changed.dispose();
  }
}
