// Organizations: POST /user/orgs (Tessera's own; the creator is the first owner), GET/PATCH
// /orgs/{org}, GET /user/orgs, GET /orgs/{org}/members, GET /orgs/{org}/members/{username}.
import type { FastifyInstance } from 'fastify';
import type { UpdateOrganizationRequest } from '../../shared/api-types';
import { principalOf } from '../authz/authorize';
import { callerOf } from '../authz/caller';
import { partialResultsHeader, SSO_HEADER } from '../authz/token-access';
import type { ProviderContext } from '../context';
import { invalidField } from '../http/errors';
import { pageOf, pagedQuerySchema, setLinkHeader } from '../http/pagination';
import { organizationJson, organizationSimpleJson, organizationWithCountsJson, simpleUserJson } from '../orgs/account-json';
import { organizationProfileSchema } from '../orgs/org-profile-input';
import { organizationOf, organizationResolver } from '../orgs/org-resource';
import { activeMembers, MemberFilter, requireActiveMember } from '../orgs/membership-listing';
import { createOrganization, updateOrganization } from '../orgs/organization-service';
import { userOrganizations } from '../orgs/organization-listing';
import { organizationReader } from '../orgs/organization-reader';
import { LIST_USER_ORGANIZATIONS, READ_ORGANIZATION } from '../orgs/organization-requirements';
import { LOGIN_PATTERN } from '../users/user-json';

const API = '/api/v3';
const nameSchema = { anyOf: [{ type: 'string', maxLength: 255 }, { type: 'null' }] } as const;
const descriptionSchema = { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'null' }] } as const;

export function registerOrganizationRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  // Classic tokens: `admin:org`, or Tessera's `admin:token` (what the editor signs in with).
  app.post<{ Body: { login: string; name?: string | null; description?: string | null } }>(
    `${API}/user/orgs`,
    {
      config: { auth: { classicScopes: ['admin:org', 'admin:token'] } },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['login'],
          properties: { login: { type: 'string', minLength: 1, maxLength: 39, pattern: LOGIN_PATTERN }, name: nameSchema, description: descriptionSchema },
        },
      },
    },
    async (request, reply) => {
      const org = await createOrganization(ctx, callerOf(request), request.body);
      reply.code(201).header('Location', `${ctx.origin}${API}/orgs/${org.login}`);
      return organizationJson(ctx, org, { public: 0, private: 0 }, { member: true, owner: true });
    },
  );

  app.get<{ Params: { org: string } }>(
    `${API}/orgs/:org`,
    { config: { auth: READ_ORGANIZATION } },
    async (request) => {
      const { org, role } = organizationOf(request);
      return organizationWithCountsJson(ctx, org, await organizationReader(ctx, request.principal, org, role));
    },
  );

  app.patch<{ Params: { org: string }; Body: UpdateOrganizationRequest }>(
    `${API}/orgs/:org`,
    {
      config: {
        auth: {
          classicScopes: ['admin:org'],
          permission: { group: 'organization', name: 'organization_administration', level: 'write' },
          resource: organizationResolver('owner'),
        },
      },
      schema: { body: { type: 'object', additionalProperties: false, properties: { name: nameSchema, description: descriptionSchema, ...organizationProfileSchema } } },
    },
    async (request) =>
      organizationWithCountsJson(ctx, await updateOrganization(ctx, callerOf(request), organizationOf(request).org, request.body), { member: true, owner: true }),
  );

  app.get<{ Querystring: { per_page?: string; page?: string } }>(
    `${API}/user/orgs`,
    {
      config: { auth: LIST_USER_ORGANIZATIONS },
      schema: { querystring: pagedQuerySchema() },
    },
    async (request, reply) => {
      const { orgs, ssoSkipped } = await userOrganizations(ctx, principalOf(request));
      const sso = partialResultsHeader(ssoSkipped);
      if (sso) reply.header(SSO_HEADER, sso);
      const page = pageOf(request.query);
      const slice = orgs.slice(page.offset, page.offset + page.limit);
      setLinkHeader(request, reply, page, orgs.length, ctx.origin);
      return slice.map((o) => organizationSimpleJson(ctx, o));
    },
  );

  app.get<{ Params: { org: string }; Querystring: { role?: 'all' | 'admin' | 'member'; filter?: MemberFilter; per_page?: string; page?: string } }>(
    `${API}/orgs/:org/members`,
    {
      config: {
        auth: {
          classicScopes: ['read:org', 'admin:token'],
          permission: { group: 'organization', name: 'members', level: 'read' },
          accountToken: true,
          resource: organizationResolver('member'),
        },
      },
      schema: {
        querystring: pagedQuerySchema({ role: { type: 'string', enum: ['all', 'admin', 'member'] }, filter: { type: 'string', enum: ['all', '2fa_disabled', '2fa_insecure'] } }),
      },
    },
    async (request, reply) => {
      const { org, role: callerRole } = organizationOf(request);
      const filter = request.query.filter ?? 'all';
      // Who has two-factor authentication is the owners' to know (as on GitHub).
      if (filter !== 'all' && callerRole !== 'owner') throw invalidField('filter', 'is for organization owners only');
      const page = pageOf(request.query);
      const role = request.query.role === 'admin' ? 'owner' : request.query.role === 'member' ? 'member' : undefined;
      const { users, total } = await activeMembers(ctx, org, role, filter, page);
      setLinkHeader(request, reply, page, total, ctx.origin);
      return users.map((u) => simpleUserJson(ctx, u));
    },
  );

  app.get<{ Params: { org: string; username: string } }>(
    `${API}/orgs/:org/members/:username`,
    {
      config: {
        auth: {
          classicScopes: ['read:org'],
          permission: { group: 'organization', name: 'members', level: 'read' },
          accountToken: true,
          resource: organizationResolver('member'),
        },
      },
    },
    async (request, reply) => {
      await requireActiveMember(ctx, organizationOf(request).org, request.params.username);
      reply.code(204);
    },
  );
}
