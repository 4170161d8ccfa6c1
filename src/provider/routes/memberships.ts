// GitHub's organization memberships: invitations (PUT /orgs/{org}/memberships/{username} makes a
// pending one, PATCH /user/memberships/orgs/{org} {state: active} accepts it), role changes,
// removal, and the user's own memberships (GET /user/memberships/orgs[/{org}]). GitHub calls an
// owner `admin` here.
import type { FastifyInstance } from 'fastify';
import { revokeAccess, orgTokensOf } from '../approvals/approval-service';
import { recordAudit } from '../audit/audit-log';
import type { Principal } from '../auth/principal';
import { principalOf } from '../authz/authorize';
import type { ProviderContext } from '../context';
import { forbidden, invalidField, notFound } from '../http/errors';
import { pageOf, paginationQuerySchema, setLinkHeader } from '../http/pagination';
import { ORG_AUDIT_ACTIONS } from '../orgs/org-audit';
import { ApiOrgRole, membershipJson, storeRole } from '../orgs/membership-json';
import { organizationOf, organizationResolver } from '../orgs/org-resource';
import type { MembershipRecord } from '../store/memberships';
import type { OrganizationRecord } from '../store/organizations';

const API = '/api/v3';
const MEMBERS_READ = { group: 'organization', name: 'members', level: 'read' } as const;
const MEMBERS_WRITE = { group: 'organization', name: 'members', level: 'write' } as const;

/** A fine-grained token sees only its resource owner's membership; an account token its org's. */
function tokenMaySee(principal: Principal, orgId: number): boolean {
  const t = principal.token;
  if (t?.kind === 'fine_grained') return t.resourceOwnerType === 'Organization' && t.resourceOwnerId === orgId;
  if (t?.kind === 'account') return principal.orgId === orgId;
  return true;
}

async function isLastOwner(ctx: ProviderContext, org: OrganizationRecord, m: MembershipRecord): Promise<boolean> {
  if (m.role !== 'owner' || m.state !== 'active') return false;
  return (await ctx.store.memberships.count({ orgId: org.id, role: 'owner', state: 'active' })) <= 1;
}

export function registerMembershipRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Querystring: { state?: 'active' | 'pending'; per_page?: string; page?: string } }>(
    `${API}/user/memberships/orgs`,
    {
      config: { auth: { classicScopes: ['read:org', 'user'], permission: 'none' } },
      schema: {
        querystring: { type: 'object', additionalProperties: false, properties: { state: { type: 'string', enum: ['active', 'pending'] }, ...paginationQuerySchema } },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const all = (await ctx.store.memberships.list({ userId: principal.user.id, state: request.query.state })).filter((m) => tokenMaySee(principal, m.orgId));
      const page = pageOf(request.query);
      const slice = all.slice(page.offset, page.offset + page.limit);
      setLinkHeader(request, reply, page, slice.length, ctx.origin);
      const out = [];
      for (const m of slice) {
        const org = await ctx.store.organizations.byId(m.orgId);
        if (org) out.push(membershipJson(ctx, m, org, principal.user));
      }
      return out;
    },
  );

  app.get<{ Params: { org: string } }>(
    `${API}/user/memberships/orgs/:org`,
    { config: { auth: { classicScopes: ['read:org', 'user'], permission: 'none' } } },
    async (request) => {
      const principal = principalOf(request);
      const org = await ctx.store.organizations.byLogin(request.params.org);
      const m = org && tokenMaySee(principal, org.id) ? await ctx.store.memberships.get(org.id, principal.user.id) : undefined;
      if (!org || !m) throw notFound();
      return membershipJson(ctx, m, org, principal.user);
    },
  );

  app.patch<{ Params: { org: string }; Body: { state: 'active' } }>(
    `${API}/user/memberships/orgs/:org`,
    {
      config: { auth: { classicScopes: ['write:org', 'user'] } },
      schema: { body: { type: 'object', additionalProperties: false, required: ['state'], properties: { state: { type: 'string', enum: ['active'] } } } },
    },
    async (request) => {
      const principal = principalOf(request);
      const org = await ctx.store.organizations.byLogin(request.params.org);
      const m = org ? await ctx.store.memberships.get(org.id, principal.user.id) : undefined;
      if (!org || !m) throw notFound();
      if (m.state === 'active') return membershipJson(ctx, m, org, principal.user);
      const active = await ctx.store.memberships.activate(org.id, principal.user.id, ctx.clock.now());
      if (!active) throw notFound();
      await recordAudit(ctx, {
        action: ORG_AUDIT_ACTIONS.addMember,
        actor: principal.user,
        org,
        tokenId: principal.token?.id,
        ip: request.ip,
        data: { role: active.role === 'owner' ? 'admin' : 'member' },
      });
      return membershipJson(ctx, active, org, principal.user);
    },
  );

  app.get<{ Params: { org: string; username: string } }>(
    `${API}/orgs/:org/memberships/:username`,
    { config: { auth: { classicScopes: ['read:org'], permission: MEMBERS_READ, accountToken: true, resource: organizationResolver('member') } } },
    async (request) => {
      const { org } = organizationOf(request);
      const user = await ctx.store.users.byLogin(request.params.username);
      const m = user ? await ctx.store.memberships.get(org.id, user.id) : undefined;
      if (!user || !m) throw notFound();
      return membershipJson(ctx, m, org, user);
    },
  );

  // PUT without a role: @octokit sends an empty text/plain body (accepted app-wide by the body parser).
  void app.register(async (scope) => {
    scope.put<{ Params: { org: string; username: string }; Body: { role?: ApiOrgRole } }>(
      `${API}/orgs/:org/memberships/:username`,
      {
        config: { auth: { classicScopes: ['admin:org'], permission: MEMBERS_WRITE, accountToken: true, resource: organizationResolver('owner') } },
        schema: { body: { type: 'object', additionalProperties: false, properties: { role: { type: 'string', enum: ['admin', 'member'] } } } },
      },
      async (request) => {
        const principal = principalOf(request);
        const { org } = organizationOf(request);
        const user = await ctx.store.users.byLogin(request.params.username);
        if (!user) throw notFound();
        const role = storeRole(request.body.role ?? 'member');
        const before = await ctx.store.memberships.get(org.id, user.id);
        if (before && role !== before.role && role === 'member' && (await isLastOwner(ctx, org, before))) {
          throw invalidField('role', `cannot make '${user.login}' a member: the organization needs at least one owner`);
        }
        const m = await ctx.store.memberships.upsert({ orgId: org.id, userId: user.id, role, invitedBy: principal.user.id, now: ctx.clock.now() });
        if (!before || before.role !== role) {
          await recordAudit(ctx, {
            action: before ? ORG_AUDIT_ACTIONS.updateMember : ORG_AUDIT_ACTIONS.inviteMember,
            actor: principal.user,
            user,
            org,
            tokenId: principal.token?.id,
            ip: request.ip,
            data: { role: request.body.role ?? 'member', state: m.state, ...(before ? { previous_role: before.role === 'owner' ? 'admin' : 'member' } : {}) },
          });
        }
        return membershipJson(ctx, m, org, user);
      },
    );
  });

  // DELETE .../memberships/{username} (owners remove anyone, members leave, invitations are
  // cancelled) and GitHub's DELETE .../members/{username} (owners remove an active member): the
  // same removal.
  for (const [path, requiredRole] of [['memberships', 'member'], ['members', 'owner']] as const) {
    app.delete<{ Params: { org: string; username: string } }>(
      `${API}/orgs/:org/${path}/:username`,
      { config: { auth: { classicScopes: ['admin:org'], permission: MEMBERS_WRITE, accountToken: true, resource: organizationResolver(requiredRole) } } },
      async (request, reply) => {
        const principal = principalOf(request);
        const { org, role } = organizationOf(request);
        const user = await ctx.store.users.byLogin(request.params.username);
        const m = user ? await ctx.store.memberships.get(org.id, user.id) : undefined;
        if (!user || !m || (path === 'members' && m.state !== 'active')) throw notFound();
        // Owners remove anyone; a member may leave.
        if (role !== 'owner' && user.id !== principal.user.id) throw forbidden(`You must be an owner of the '${org.login}' organization`);
        if (await isLastOwner(ctx, org, m)) throw invalidField('username', `is the last owner of '${org.login}': make someone else an owner first`);
        await ctx.store.memberships.remove(org.id, user.id);
        // The org's grants to the user's tokens and their SSO authorizations go with the membership.
        for (const t of await orgTokensOf(ctx, org.id, user.id)) {
          await revokeAccess(ctx, org, t, principal.user, `Access to the '${org.login}' organization ended: ${user.login} is no longer a member`, request.ip);
        }
        await ctx.store.credentialAuthorizations.removeForUser(org.id, user.id);
        await recordAudit(ctx, {
          action: m.state === 'pending' ? ORG_AUDIT_ACTIONS.cancelInvitation : ORG_AUDIT_ACTIONS.removeMember,
          actor: principal.user,
          user,
          org,
          tokenId: principal.token?.id,
          ip: request.ip,
          data: { role: m.role === 'owner' ? 'admin' : 'member' },
        });
        reply.code(204);
      },
    );
  }
}
