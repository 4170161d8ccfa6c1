// GitHub's organization memberships: invitations (PUT /orgs/{org}/memberships/{username} makes a
// pending one, PATCH /user/memberships/orgs/{org} {state: active} accepts it), role changes,
// removal, the user's own memberships (GET /user/memberships/orgs[/{org}]) and an org's pending
// invitations (GET /orgs/{org}/invitations, owners only). GitHub calls an owner `admin` here.
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../auth/principal';
import { principalOf } from '../authz/authorize';
import { callerOf } from '../authz/caller';
import type { ProviderContext } from '../context';
import { notFound } from '../http/errors';
import { pageOf, paginationQuerySchema, setLinkHeader } from '../http/pagination';
import { ApiOrgRole, invitationJson, membershipJson, storeRole } from '../orgs/membership-json';
import { acceptInvitation, removeMembership, setMembership } from '../orgs/membership-service';
import { organizationOf, organizationResolver } from '../orgs/org-resource';

const API = '/api/v3';
const MEMBERS_READ = { group: 'organization', name: 'members', level: 'read' } as const;
const MEMBERS_WRITE = { group: 'organization', name: 'members', level: 'write' } as const;
/** Classic tokens: `admin:org`, or Tessera's `admin:token` (what the editor signs in with; it can mint an `admin:org` token anyway). */
const MEMBERS_ADMIN_SCOPES = ['admin:org', 'admin:token'];

/** A fine-grained token sees only its resource owner's membership; an account token its org's. */
function tokenMaySee(principal: Principal, orgId: number): boolean {
  const t = principal.token;
  if (t?.kind === 'fine_grained') return t.resourceOwnerType === 'Organization' && t.resourceOwnerId === orgId;
  if (t?.kind === 'account') return principal.orgId === orgId;
  return true;
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
      setLinkHeader(request, reply, page, all.length, ctx.origin);
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
      const caller = callerOf(request);
      const { org, membership } = await acceptInvitation(ctx, caller, request.params.org);
      return membershipJson(ctx, membership, org, caller.principal.user);
    },
  );

  app.get<{ Params: { org: string }; Querystring: { per_page?: string; page?: string } }>(
    `${API}/orgs/:org/invitations`,
    {
      config: { auth: { classicScopes: MEMBERS_ADMIN_SCOPES, permission: MEMBERS_READ, accountToken: true, resource: organizationResolver('owner') } },
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { ...paginationQuerySchema } } },
    },
    async (request, reply) => {
      const { org } = organizationOf(request);
      const page = pageOf(request.query);
      const pending = await ctx.store.memberships.list({ orgId: org.id, state: 'pending', limit: page.limit, offset: page.offset });
      setLinkHeader(request, reply, page, await ctx.store.memberships.count({ orgId: org.id, state: 'pending' }), ctx.origin);
      const out = [];
      for (const m of pending) {
        const user = await ctx.store.users.byId(m.userId);
        const inviter = m.invitedBy === null ? undefined : await ctx.store.users.byId(m.invitedBy);
        if (user) out.push(invitationJson(ctx, m, org, user, inviter));
      }
      return out;
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
        config: { auth: { classicScopes: MEMBERS_ADMIN_SCOPES, permission: MEMBERS_WRITE, accountToken: true, resource: organizationResolver('owner') } },
        schema: { body: { type: 'object', additionalProperties: false, properties: { role: { type: 'string', enum: ['admin', 'member'] } } } },
      },
      async (request) => {
        const { org } = organizationOf(request);
        const { user, membership } = await setMembership(ctx, callerOf(request), org, request.params.username, storeRole(request.body.role ?? 'member'));
        return membershipJson(ctx, membership, org, user);
      },
    );
  });

  app.delete<{ Params: { org: string; username: string } }>(
    `${API}/orgs/:org/memberships/:username`,
    { config: { auth: { classicScopes: MEMBERS_ADMIN_SCOPES, permission: MEMBERS_WRITE, accountToken: true, resource: organizationResolver('member') } } },
    async (request, reply) => {
      const { org, role } = organizationOf(request);
      await removeMembership(ctx, callerOf(request), org, role, request.params.username);
      reply.code(204);
    },
  );

  // GitHub's other removal: owners remove an active member (an invitation is not a member).
  app.delete<{ Params: { org: string; username: string } }>(
    `${API}/orgs/:org/members/:username`,
    { config: { auth: { classicScopes: MEMBERS_ADMIN_SCOPES, permission: MEMBERS_WRITE, accountToken: true, resource: organizationResolver('owner') } } },
    async (request, reply) => {
      const { org, role } = organizationOf(request);
      await removeMembership(ctx, callerOf(request), org, role, request.params.username, { activeOnly: true });
      reply.code(204);
    },
  );
}
