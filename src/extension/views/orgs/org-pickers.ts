// What an organization command acts on when it runs from the palette (no tree item): an org the
// account owns, one of its members, a pending invitation of the account. Undefined when cancelled.
import * as vscode from 'vscode';
import { accountApi, allPages } from '../../api/provider-api';
import { pick, type PickItem } from '../../auth/quick-input';
import type { OrgRoleJson, SimpleUserJson } from '../../../shared/api-types';
import type { TesseraServices } from '../../services';
import type { OrgRef, OrgViewModel } from '../org-view-model';

async function pickRef(services: TesseraServices, refs: OrgRef[], title: string, none: string): Promise<OrgRef | undefined> {
  if (!refs.length) {
    void vscode.window.showInformationMessage(none);
    return undefined;
  }
  if (refs.length === 1) return refs[0];
  const login = (id: string) => services.accounts().find((a) => a.id === id)?.login ?? id;
  return pick(title, refs.map((r) => ({ label: r.org, description: login(r.accountId), value: r })), 'Which organization?');
}

/** An org one of the signed-in accounts owns. */
export async function pickOwnedOrg(services: TesseraServices, orgs: OrgViewModel, title: string): Promise<OrgRef | undefined> {
  const refs: OrgRef[] = [];
  for (const a of services.accounts()) refs.push(...(await orgs.ownedOrgs(a.id)));
  return pickRef(services, refs, title, 'You own no Tessera organization yet. Create one with “Tessera: Create Organization…”.');
}

/** A pending invitation of one of the signed-in accounts. */
export async function pickInvitation(services: TesseraServices, orgs: OrgViewModel, title: string): Promise<OrgRef | undefined> {
  const refs: OrgRef[] = [];
  for (const a of services.accounts()) refs.push(...(await orgs.invitations(a.id)));
  return pickRef(services, refs, title, 'No invitation to an organization is waiting.');
}

/** A member of the org, with their role (owners come from the `role=admin` list). */
export async function pickMember(services: TesseraServices, ref: OrgRef, title: string): Promise<{ login: string; role: OrgRoleJson } | undefined> {
  const api = accountApi(services, ref.accountId);
  const [all, owners] = await Promise.all([
    allPages<SimpleUserJson>((p) => api.orgMembers(ref.org, 'all', p), 20),
    allPages<SimpleUserJson>((p) => api.orgMembers(ref.org, 'admin', p), 20),
  ]);
  const ownerLogins = new Set(owners.map((u) => u.login));
  return pick(
    title,
    all.map((u) => ({ label: u.login, description: ownerLogins.has(u.login) ? 'owner' : 'member', value: { login: u.login, role: (ownerLogins.has(u.login) ? 'admin' : 'member') as OrgRoleJson } })),
    `Which member of ${ref.org}?`,
  );
}

/** Owner or member; undefined when cancelled. */
export async function pickRole(title: string, current?: OrgRoleJson): Promise<OrgRoleJson | undefined> {
  const items: PickItem<OrgRoleJson>[] = [
    { label: 'Member', description: current === 'member' ? 'current' : undefined, detail: 'Uses the organization’s repositories as its token policy allows.', value: 'member' },
    { label: 'Owner', description: current === 'admin' ? 'current' : undefined, detail: 'Full control: members, token policy, approvals, repositories.', value: 'admin' },
  ];
  return pick(title, items, 'Role in the organization');
}
