// GitHub's organization memberships: invitations (PUT /orgs/{org}/memberships/{username} makes a
// pending one, PATCH /user/memberships/orgs/{org} {state: active} accepts it), role changes,
// removal, the user's own memberships (GET /user/memberships/orgs[/{org}]) and an org's pending
// invitations (GET /orgs/{org}/invitations, owners only). GitHub calls an owner `admin` here.
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../authz/authorize';
import { callerOf } from '../authz/caller';
import { partialResultsHeader, SSO_HEADER } from '../authz/token-access';
import { ORG_ADMIN_WRITE } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { pageOf, pagedQuerySchema, setLinkHeader } from '../http/pagination';
import { ApiOrgRole, invitationJson, membershipJson, storeRole } from '../orgs/membership-json';
import { InvitationFilters, orgMembership, ownMembership, ownMemberships, pendingInvitations } from '../orgs/membership-listing';
import { acceptInvitation, removeMembership, setMembership } from '../orgs/membership-service';
import { organizationOf, organizationResolver } from '../orgs/org-resource';

const API = '/api/v3';
const MEMBERS_READ = { group: 'organization', name: 'members', level: 'read' } as const;
const MEMBERS_WRITE = { group: 'organization', name: 'members', level: 'write' } as const;
/** Classic tokens: `admin:org`, or Tessera's `admin:token` (what the editor signs in with; with fresh proof to change anything). */
const MEMBERS_ADMIN_SCOPES = ORG_ADMIN_WRITE.classicScopes;
const MEMBERS_ADMIN_WRITE = { ...ORG_ADMIN_WRITE, permission: MEMBERS_WRITE, accountToken: true } as const;

export function registerMembershipRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Querystring: { state?: 'active' | 'pending'; per_page?: string; page?: string } }>(
    `${API}/user/memberships/orgs`,
    {
      config: { auth: { classicScopes: ['read:org', 'user'], permission: 'none' } },
      schema: {
        querystring: pagedQuerySchema({ state: { type: 'string', enum: ['active', 'pending'] } }),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const page = pageOf(request.query);
      const { items, total, ssoSkipped } = await ownMemberships(ctx, principal, request.query.state, page);
      const sso = partialResultsHeader(ssoSkipped);
      if (sso) reply.header(SSO_HEADER, sso);
      setLinkHeader(request, reply, page, total, ctx.origin);
      return items.map(({ membership, org }) => membershipJson(ctx, membership, org, principal.user));
    },
  );

  app.get<{ Params: { org: string } }>(
    `${API}/user/memberships/orgs/:org`,
    { config: { auth: { classicScopes: ['read:org', 'user'], permission: 'none' } } },
    async (request) => {
      const principal = principalOf(request);
      const { membership, org } = await ownMembership(ctx, principal, request.params.org);
      return membershipJson(ctx, membership, org, principal.user);
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

  app.get<{ Params: { org: string }; Querystring: InvitationFilters & { per_page?: string; page?: string } }>(
    `${API}/orgs/:org/invitations`,
    {
      config: { auth: { classicScopes: MEMBERS_ADMIN_SCOPES, permission: MEMBERS_READ, accountToken: true, resource: organizationResolver('owner') } },
      schema: {
        querystring: pagedQuerySchema({
          role: { type: 'string', enum: ['all', 'admin', 'direct_member', 'billing_manager', 'hiring_manager'] },
          invitation_source: { type: 'string', enum: ['all', 'member', 'scim'] },
        }),
      },
    },
    async (request, reply) => {
      const { org } = organizationOf(request);
      const page = pageOf(request.query);
      const { items, total } = await pendingInvitations(ctx, org, request.query, page);
      setLinkHeader(request, reply, page, total, ctx.origin);
      return items.map(({ membership, user, inviter }) => invitationJson(ctx, membership, org, user, inviter));
    },
  );

  app.get<{ Params: { org: string; username: string } }>(
    `${API}/orgs/:org/memberships/:username`,
    { config: { auth: { classicScopes: ['read:org'], permission: MEMBERS_READ, accountToken: true, resource: organizationResolver('member') } } },
    async (request) => {
      const { org } = organizationOf(request);
      const { membership, user } = await orgMembership(ctx, org, request.params.username);
      return membershipJson(ctx, membership, org, user);
    },
  );

  // PUT without a role: @octokit sends an empty text/plain body (accepted app-wide by the body parser).
  void app.register(async (scope) => {
    scope.put<{ Params: { org: string; username: string }; Body: { role?: ApiOrgRole } }>(
      `${API}/orgs/:org/memberships/:username`,
      {
        config: { auth: { ...MEMBERS_ADMIN_WRITE, resource: organizationResolver('owner') } },
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
    { config: { auth: { ...MEMBERS_ADMIN_WRITE, resource: organizationResolver('member') } } },
    async (request, reply) => {
      await removeMembership(ctx, callerOf(request), organizationOf(request).org, request.params.username);
      reply.code(204);
    },
  );

  // GitHub's other removal: owners remove an active member (an invitation is not a member).
  app.delete<{ Params: { org: string; username: string } }>(
    `${API}/orgs/:org/members/:username`,
    { config: { auth: { ...MEMBERS_ADMIN_WRITE, resource: organizationResolver('owner') } } },
    async (request, reply) => {
      await removeMembership(ctx, callerOf(request), organizationOf(request).org, request.params.username, { activeOnly: true });
      reply.code(204);
    },
  );
}
