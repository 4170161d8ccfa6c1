// The Organizations view's commands: create an org, open its settings (token policy), invite a
// member, change a member's role, remove a member or cancel an invitation, accept an invitation,
// refresh. Each runs from its tree item or the palette (it then asks what it acts on), through
// registerCommand (cancel, network, expired sign-in and a provider that is down get a human message).
import * as vscode from 'vscode';
import { accountApi } from '../../api/provider-api';
import { askThenUse } from '../../auth/quick-input';
import { pickAccount } from '../../commands/command-args';
import { keepAnswers, registerCommand } from '../../commands/register-command';
import type { TesseraServices } from '../../services';
import type { OrgSettingsPanels } from '../../webviews/org-settings-panel';
import { confirmModal } from '../token-actions';
import type { OrgRef, OrgViewModel } from '../org-view-model';
import { InvitationNode } from './invitation-node';
import { MemberNode } from './member-node';
import { MyInvitationNode } from './my-invitation-node';
import { OrgNode } from './org-node';
import { pickInvitation, pickMember, pickOwnedOrg, pickRole } from './org-pickers';
import type { OrganizationsTreeProvider } from './orgs-tree';

interface OrgCommandDeps {
  readonly orgs: OrgViewModel;
  readonly tree: OrganizationsTreeProvider;
  readonly settings: OrgSettingsPanels;
}

const ORG_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const roleName = (role: string) => (role === 'admin' ? 'an owner' : 'a member');

/** `{accountId, org}` from a tree item or a notification's argument. */
function orgArg(arg: unknown): Pick<OrgRef, 'accountId' | 'org'> | undefined {
  if (arg instanceof OrgNode || arg instanceof MyInvitationNode) return { accountId: arg.accountId, org: arg.org };
  const o = arg as { accountId?: unknown; org?: unknown } | undefined;
  if (o && typeof o.accountId === 'string' && typeof o.org === 'string') return { accountId: o.accountId, org: o.org };
  return undefined;
}

/** Memberships changed: reload the account's orgs (context keys follow) and the trees. */
function reloadMemberships(deps: Pick<OrgCommandDeps, 'orgs' | 'tree'>, accountId?: string): void {
  deps.orgs.invalidate();
  deps.tree.refresh();
  if (accountId) void deps.orgs.orgs(accountId).catch(() => undefined);
}

/**
 * Accepts an invitation the user chose (in a picker, a confirmation or the invitation's own
 * notification) and says so; the membership's state.
 */
export function invitationAccepter(services: TesseraServices, deps: Pick<OrgCommandDeps, 'orgs' | 'tree'>) {
  return async (ref: Pick<OrgRef, 'accountId' | 'org'>): Promise<string> => {
    const login = services.accounts().find((a) => a.id === ref.accountId)?.login ?? '';
    const m = await accountApi(services, ref.accountId).acceptOrgInvitation(ref.org);
    reloadMemberships(deps, ref.accountId);
    void vscode.window.showInformationMessage(`${login} joined ${ref.org} as ${roleName(m.role)}.`);
    return m.state;
  };
}

export function registerOrgCommands(services: TesseraServices, deps: OrgCommandDeps): vscode.Disposable[] {
  const { orgs, settings } = deps;
  const cmd = (id: string, title: string, fn: (...args: unknown[]) => unknown) => registerCommand(services, id, fn, title);
  const ownedOrg = async (arg: unknown, title: string) => orgArg(arg) ?? (await pickOwnedOrg(services, orgs, title));
  const changed = (accountId?: string) => reloadMemberships(deps, accountId);
  const accept = invitationAccepter(services, deps);

  return [
    cmd('tessera.refreshOrganizations', 'Refresh organizations', () => changed()),

    cmd('tessera.createOrganization', 'Create organization', async () => {
      const account = await pickAccount(services, 'Create Organization');
      if (!account) return undefined;
      // A login that is taken, or a provider that is down, opens the box again with the login.
      const created = await askThenUse(
        {
          title: 'Create Organization',
          prompt: `The organization's login (its name in URLs, like ${account.login}): letters, digits and single hyphens, up to 39 characters. ${account.login} becomes its owner.`,
          placeholder: 'acme',
          validate: (v) => (!v.trim() ? 'Enter a login.' : ORG_LOGIN.test(v.trim()) ? undefined : 'Letters, digits and single hyphens (not first or last), up to 39 characters.'),
        },
        (login) => accountApi(services, account.id).createOrganization({ login: login.trim() }),
      );
      if (!created) return undefined;
      changed(account.id);
      void vscode.window
        .showInformationMessage(`Created the organization ${created.login}; ${account.login} is its owner.`, 'Token Policy…', 'Invite Member…')
        .then((c) => {
          const ref = { accountId: account.id, org: created.login };
          if (c === 'Token Policy…') void vscode.commands.executeCommand('tessera.openOrgSettings', ref);
          else if (c === 'Invite Member…') void vscode.commands.executeCommand('tessera.inviteOrgMember', ref);
        });
      return created.login;
    }),

    cmd('tessera.openOrgSettings', 'Organization settings', async (arg) => {
      const ref = await ownedOrg(arg, 'Organization Settings');
      if (ref) settings.open(ref.accountId, ref.org);
    }),

    cmd('tessera.inviteOrgMember', 'Invite member', async (arg) => {
      const ref = await ownedOrg(arg, 'Invite Member');
      if (!ref) return undefined;
      // A login no user has, or a provider that is down, opens the box again with the login.
      const m = await askThenUse(
        {
          title: `Invite to ${ref.org}`,
          prompt: `The login of the Tessera user to invite to ${ref.org}. They join once they accept.`,
          validate: (v) => (v.trim() ? undefined : 'Enter a login.'),
        },
        async (login) => {
          const role = await pickRole(`Invite ${login.trim()} to ${ref.org} as…`);
          return role && (await accountApi(services, ref.accountId).setOrgMembership(ref.org, login.trim(), role));
        },
      );
      if (!m) return undefined;
      changed(ref.accountId); // an account of this window may be the one invited
      void vscode.window.showInformationMessage(
        m.state === 'pending'
          ? `Invited ${m.user.login} to ${ref.org} as ${roleName(m.role)}; they join once they accept.`
          : `${m.user.login} is already ${roleName(m.role)} of ${ref.org}.`,
      );
      return m.user.login;
    }),

    cmd('tessera.changeOrgMemberRole', 'Change role', async (arg) => {
      const ref = arg instanceof MemberNode ? { accountId: arg.accountId, org: arg.org } : await pickOwnedOrg(services, orgs, 'Change Role');
      if (!ref) return undefined;
      const member = arg instanceof MemberNode ? { login: arg.login, role: arg.role } : await pickMember(services, { ...ref, role: 'admin' }, 'Change Role');
      if (!member) return undefined;
      const role = await pickRole(`Role of ${member.login} in ${ref.org}`, member.role);
      if (!role || role === member.role) return undefined;
      // A failed call keeps the org, member and role picked: Retry (or Sign In) goes on with them.
      return keepAnswers(async () => {
        const m = await accountApi(services, ref.accountId).setOrgMembership(ref.org, member.login, role);
        changed(ref.accountId);
        void vscode.window.showInformationMessage(`${m.user.login} is now ${roleName(m.role)} of ${ref.org}.`);
        return m.role;
      });
    }),

    cmd('tessera.removeOrgMember', 'Remove member', async (arg) => {
      const ref = arg instanceof MemberNode ? { accountId: arg.accountId, org: arg.org } : await pickOwnedOrg(services, orgs, 'Remove Member');
      if (!ref) return false;
      const member = arg instanceof MemberNode ? { login: arg.login } : await pickMember(services, { ...ref, role: 'admin' }, 'Remove Member');
      if (!member) return false;
      const self = services.accounts().find((a) => a.id === ref.accountId)?.login === member.login;
      const ok = await confirmModal(
        self ? `Leave the organization ${ref.org}?` : `Remove ${member.login} from ${ref.org}?`,
        `${self ? 'You lose' : `${member.login} loses`} access to its private repositories, and the organization's approvals of ${self ? 'your' : 'their'} tokens end.`,
        self ? 'Leave' : 'Remove',
      );
      if (!ok) return false;
      // Confirmed: Retry (or Sign In) after a failed call removes that member, nothing asked again.
      return keepAnswers(async () => {
        await accountApi(services, ref.accountId).removeOrgMembership(ref.org, member.login);
        changed(ref.accountId);
        void vscode.window.showInformationMessage(self ? `You left ${ref.org}.` : `Removed ${member.login} from ${ref.org}.`);
        return true;
      });
    }),

    cmd('tessera.cancelOrgInvitation', 'Cancel invitation', async (arg) => {
      if (!(arg instanceof InvitationNode)) {
        void vscode.window.showInformationMessage('Pick the invitation to cancel in the Organizations view (under “Pending invitations”).');
        return false;
      }
      const ok = await confirmModal(`Cancel the invitation of ${arg.login} to ${arg.org}?`, 'They can no longer accept it; you can invite them again.', 'Cancel Invitation');
      if (!ok) return false;
      await accountApi(services, arg.accountId).removeOrgMembership(arg.org, arg.login);
      changed(arg.accountId);
      return true;
    }),

    cmd('tessera.acceptOrgInvitation', 'Accept invitation', async (arg) => {
      // An invitation named by an argument (a tree item's click, another extension) is confirmed
      // first; one chosen in the picker already was.
      const named = orgArg(arg);
      const ref = named ?? (await pickInvitation(services, orgs, 'Accept Invitation'));
      if (!ref) return undefined;
      if (named) {
        const login = services.accounts().find((a) => a.id === ref.accountId)?.login ?? '';
        const ok = await confirmModal(`Join ${ref.org} as ${login}?`, `You accept the invitation: ${ref.org}'s owners then see you as a member, and its token policy applies to your tokens for it.`, 'Accept');
        if (!ok) return undefined;
      }
      return accept(ref);
    }),
  ];
}
