// Organizations: POST /user/orgs (Tessera's own; the creator is the first owner), GET/PATCH
// /orgs/{org}, GET /user/orgs, GET /orgs/{org}/members, GET /orgs/{org}/members/{username}.
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../audit/audit-log';
import { principalOf } from '../authz/authorize';
import { isSsoDenial, partialResultsHeader, SSO_HEADER, tokenAccessDenial } from '../authz/token-access';
import type { ProviderContext } from '../context';
import { invalidField, notFound } from '../http/errors';
import { pageOf, paginationQuerySchema, setLinkHeader } from '../http/pagination';
import { organizationJson, simpleUserJson } from '../orgs/account-json';
import { ORG_AUDIT_ACTIONS } from '../orgs/org-audit';
import { OrganizationProfileBody, organizationProfileFromBody, organizationProfileSchema } from '../orgs/org-profile-input';
import { organizationOf, organizationResolver } from '../orgs/org-resource';
import { activeRole } from '../orgs/org-roles';
import { UniqueViolation } from '../store/errors';
import type { OrganizationRecord } from '../store/organizations';
import { LOGIN_PATTERN } from '../users/user-json';
import type { Principal } from '../auth/principal';
import type { UserRecord } from '../store/users';

const API = '/api/v3';
const nameSchema = { anyOf: [{ type: 'string', maxLength: 255 }, { type: 'null' }] } as const;
const descriptionSchema = { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'null' }] } as const;

/**
 * The orgs a token may list among `orgs`: a fine-grained token only its resource owner; orgs
 * whose SSO the token is not authorized for are skipped (reported in `X-GitHub-SSO`).
 */
export async function listableOrgs(ctx: ProviderContext, principal: Principal, orgs: OrganizationRecord[]): Promise<{ orgs: OrganizationRecord[]; ssoSkipped: number[] }> {
  const token = principal.token;
  const out: OrganizationRecord[] = [];
  const ssoSkipped: number[] = [];
  for (const org of orgs) {
    if (token?.kind === 'fine_grained' && !(token.resourceOwnerType === 'Organization' && token.resourceOwnerId === org.id)) continue;
    if (token?.kind === 'account' && principal.orgId !== org.id) continue;
    const denial = await tokenAccessDenial(ctx, principal, { owner: { type: 'Organization', id: org.id, login: org.login }, isPublic: false, org }, 'read');
    if (isSsoDenial(denial)) ssoSkipped.push(org.id);
    else if (!denial) out.push(org);
  }
  return { orgs: out, ssoSkipped };
}

export function registerOrganizationRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.post<{ Body: { login: string; name?: string | null; description?: string | null } }>(
    `${API}/user/orgs`,
    {
      config: { auth: { classicScopes: ['admin:org'] } },
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
      const principal = principalOf(request);
      let org: OrganizationRecord;
      try {
        org = await ctx.store.organizations.create({
          login: request.body.login,
          name: request.body.name ?? null,
          description: request.body.description ?? null,
          createdBy: principal.user.id,
          createdAt: ctx.clock.now(),
        });
      } catch (err) {
        if (err instanceof UniqueViolation) throw invalidField('login', 'is already taken', 'already_exists', 'Organization');
        throw err;
      }
      await recordAudit(ctx, {
        action: ORG_AUDIT_ACTIONS.orgCreate,
        actor: principal.user,
        org,
        tokenId: principal.token?.id,
        ip: request.ip,
        data: { login: org.login },
      });
      reply.code(201).header('Location', `${ctx.origin}${API}/orgs/${org.login}`);
      return organizationJson(ctx, org, { publicRepos: 0, privateRepos: 0 });
    },
  );

  app.get<{ Params: { org: string } }>(
    `${API}/orgs/:org`,
    { config: { auth: { anonymous: true, classicScopes: [], permission: 'none', accountToken: true, resource: organizationResolver(null) } } },
    async (request) => {
      const { org, role } = organizationOf(request);
      const publicRepos = (await ctx.store.repositories.list({ ownerType: 'Organization', ownerId: org.id, private: false })).length;
      const privateRepos = role ? (await ctx.store.repositories.list({ ownerType: 'Organization', ownerId: org.id, private: true })).length : undefined;
      return organizationJson(ctx, org, { publicRepos, privateRepos }, { owner: role === 'owner' });
    },
  );

  app.patch<{ Params: { org: string }; Body: OrganizationProfileBody & { name?: string | null; description?: string | null } }>(
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
    async (request) => {
      const principal = principalOf(request);
      const { org } = organizationOf(request);
      const { name, description } = request.body;
      const updated = await ctx.store.organizations.update(org.id, { name, description, profile: organizationProfileFromBody(request.body), updatedAt: ctx.clock.now() });
      if (!updated) throw notFound();
      await recordAudit(ctx, {
        action: ORG_AUDIT_ACTIONS.orgUpdate,
        actor: principal.user,
        org,
        tokenId: principal.token?.id,
        ip: request.ip,
        data: { fields: Object.keys(request.body) },
      });
      return organizationJson(ctx, updated, undefined, { owner: true });
    },
  );

  app.get<{ Querystring: { per_page?: string; page?: string } }>(
    `${API}/user/orgs`,
    {
      config: { auth: { classicScopes: ['read:org', 'user'], permission: 'none' } },
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { ...paginationQuerySchema } } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const memberships = await ctx.store.memberships.list({ userId: principal.user.id, state: 'active' });
      const { orgs, ssoSkipped } = await listableOrgs(ctx, principal, await ctx.store.organizations.byIds(memberships.map((m) => m.orgId)));
      orgs.sort((a, b) => a.login.toLowerCase().localeCompare(b.login.toLowerCase()));
      const sso = partialResultsHeader(ssoSkipped);
      if (sso) reply.header(SSO_HEADER, sso);
      const page = pageOf(request.query);
      const slice = orgs.slice(page.offset, page.offset + page.limit);
      setLinkHeader(request, reply, page, slice.length, ctx.origin);
      return slice.map((o) => organizationJson(ctx, o));
    },
  );

  app.get<{ Params: { org: string }; Querystring: { role?: 'all' | 'admin' | 'member'; per_page?: string; page?: string } }>(
    `${API}/orgs/:org/members`,
    {
      config: {
        auth: {
          classicScopes: ['read:org'],
          permission: { group: 'organization', name: 'members', level: 'read' },
          accountToken: true,
          resource: organizationResolver('member'),
        },
      },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { role: { type: 'string', enum: ['all', 'admin', 'member'] }, filter: { type: 'string', enum: ['all'] }, ...paginationQuerySchema },
        },
      },
    },
    async (request, reply) => {
      const { org } = organizationOf(request);
      const page = pageOf(request.query);
      const role = request.query.role === 'admin' ? 'owner' : request.query.role === 'member' ? 'member' : undefined;
      const members = await ctx.store.memberships.list({ orgId: org.id, state: 'active', role, limit: page.limit, offset: page.offset });
      setLinkHeader(request, reply, page, members.length, ctx.origin);
      const users = await Promise.all(members.map((m) => ctx.store.users.byId(m.userId)));
      return users.filter((u): u is UserRecord => !!u).map((u) => simpleUserJson(ctx, u));
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
      const { org } = organizationOf(request);
      const user = await ctx.store.users.byLogin(request.params.username);
      if (!user || !(await activeRole(ctx, org.id, user.id))) throw notFound();
      reply.code(204);
    },
  );
}
