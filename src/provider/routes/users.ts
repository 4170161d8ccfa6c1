// Accounts: POST /users (sign-up; the first user is the admin; closed sign-up → admins only),
// GET /user, PATCH /user.
import type { FastifyInstance } from 'fastify';
import type { CreateUserRequest, UpdateUserRequest } from '../../shared/api-types';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/passwords';
import { principalOf } from '../authz/authorize';
import { anyCallerOf, callerOf } from '../authz/caller';
import type { ProviderContext } from '../context';
import { EMAIL_PATTERN, FULL_VIEW, LOGIN_PATTERN, userJson, userWithCountsJson } from '../users/user-json';
import { ownProfileViewOf } from '../users/own-profile-access';
import { userProfileSchema } from '../users/user-profile-input';
import { signUp, updateUser } from '../users/user-service';

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
      const user = await signUp(ctx, anyCallerOf(request), request.body);
      reply.code(201).header('Location', `${ctx.origin}${API}/users/${user.login}`);
      return userJson(ctx, user, { public: 0, private: 0 }, FULL_VIEW);
    },
  );

  // Any token, password or account API token; the email and the private profile only to those
  // that may read them (users/own-profile-access.ts).
  app.get(`${API}/user`, { config: { auth: { classicScopes: [], permission: 'none', accountToken: true } } }, async (request) => {
    const principal = principalOf(request);
    return userWithCountsJson(ctx, principal.user, ownProfileViewOf(principal));
  });

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
    async (request) => userWithCountsJson(ctx, await updateUser(ctx, callerOf(request), request.body), ownProfileViewOf(principalOf(request))),
  );
}
