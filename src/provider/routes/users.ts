// Accounts: POST /users (sign-up; the first user is the admin; closed sign-up → admins only),
// GET /user, PATCH /user.
import type { FastifyInstance } from 'fastify';
import type { CreateUserRequest, UpdateUserRequest } from '../../shared/api-types';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit } from '../audit/audit';
import { checkNewPassword } from '../auth/new-password';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/passwords';
import { principalOf } from '../authz/authorize';
import { callerOf } from '../authz/caller';
import type { ProviderContext } from '../context';
import { forbidden, invalidField } from '../http/errors';
import { UniqueViolation } from '../store/errors';
import { EMAIL_PATTERN, LOGIN_PATTERN, userJson, userWithCountsJson } from '../users/user-json';
import { userProfileSchema } from '../users/user-profile-input';
import { updateUser } from '../users/user-service';

const API = '/api/v3';

export function registerUserRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.post<{ Body: CreateUserRequest }>(
    `${API}/users`,
    {
      config: { auth: { anonymous: true, classicScopes: [], permission: 'none' } },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['login', 'email', 'password'],
          properties: {
            login: { type: 'string', minLength: 1, maxLength: 39, pattern: LOGIN_PATTERN },
            email: { type: 'string', minLength: 3, maxLength: 254, pattern: EMAIL_PATTERN },
            password: { type: 'string', minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH },
            name: { anyOf: [{ type: 'string', maxLength: 255 }, { type: 'null' }] },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const caller = request.principal;
      if (ctx.settings.signup === 'closed' && !caller?.user.siteAdmin && (await ctx.store.users.count()) > 0) {
        throw forbidden('Sign-up is closed on this provider: ask an administrator to create your account');
      }
      checkNewPassword(body.password, body.login);
      const passwordHash = await ctx.passwords.hash(body.password);
      let user;
      try {
        user = await ctx.store.users.createFirstIsAdmin({
          login: body.login,
          email: body.email,
          name: body.name ?? null,
          passwordHash,
          createdAt: ctx.clock.now(),
        });
      } catch (err) {
        if (err instanceof UniqueViolation) throw invalidField(err.field, 'is already taken', 'already_exists', 'User');
        throw err;
      }
      await audit(ctx, { user: caller?.user ?? user, ip: request.ip }, AUDIT_ACTIONS.userCreate, {
        user,
        data: { login: user.login, site_admin: user.siteAdmin },
      });
      reply.code(201).header('Location', `${ctx.origin}${API}/users/${user.login}`);
      return userJson(ctx, user, { public: 0, private: 0 });
    },
  );

  // Any token, password or account API token.
  app.get(`${API}/user`, { config: { auth: { classicScopes: [], permission: 'none', accountToken: true } } }, async (request) =>
    userWithCountsJson(ctx, principalOf(request).user),
  );

  app.patch<{ Body: UpdateUserRequest }>(
    `${API}/user`,
    {
      config: { auth: { classicScopes: ['user'], permission: { group: 'account', name: 'profile', level: 'write' } } },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { anyOf: [{ type: 'string', maxLength: 255 }, { type: 'null' }] },
            email: { type: 'string', minLength: 3, maxLength: 254, pattern: EMAIL_PATTERN },
            ...userProfileSchema,
          },
        },
      },
    },
    async (request) => userWithCountsJson(ctx, await updateUser(ctx, callerOf(request), request.body)),
  );
}
