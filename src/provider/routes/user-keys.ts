// GET /user/keys — the user's public SSH keys. Git reaches Tessera over HTTPS only, so a user has
// no SSH keys (repositories have deploy keys, /repos/{owner}/{repo}/keys): the list is empty, and
// POST /user/keys (`gh auth login` choosing SSH, `gh ssh-key add`) is a 422 saying so.
// GET /user/gpg_keys — the user's GPG keys: Tessera verifies no commit signatures and keeps no GPG
// keys, so the list is empty (`gh gpg-key list` reads any 404 here as missing scopes), and POST
// /user/gpg_keys (`gh gpg-key add`) is a 422 saying so (a 404 there too reads as missing scopes).
// GET /user/ssh_signing_keys and POST /user/ssh_signing_keys — the same for SSH signing keys
// (`gh ssh-key list` lists them with the SSH keys; `gh ssh-key add --type signing` adds one).
import type { FastifyInstance } from 'fastify';
import type { ProviderContext } from '../context';
import { pageOf, pagedQuerySchema, setLinkHeader } from '../http/pagination';
import { refuseUserGpgKey } from '../users/gpg-keys';
import { refuseUserSshKey } from '../users/ssh-keys';
import { refuseUserSshSigningKey } from '../users/ssh-signing-keys';

export function registerUserKeyRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Querystring: { per_page?: string; page?: string } }>(
    '/api/v3/user/keys',
    {
      config: { auth: { classicScopes: ['read:public_key'], permission: { group: 'account', name: 'git_ssh_keys', level: 'read' } } },
      schema: { querystring: pagedQuerySchema() },
    },
    async (request, reply) => {
      setLinkHeader(request, reply, pageOf(request.query), 0, ctx.origin);
      return [];
    },
  );

  app.get<{ Querystring: { per_page?: string; page?: string } }>(
    '/api/v3/user/gpg_keys',
    {
      config: { auth: { classicScopes: ['read:gpg_key'], permission: { group: 'account', name: 'gpg_keys', level: 'read' } } },
      schema: { querystring: pagedQuerySchema() },
    },
    async (request, reply) => {
      setLinkHeader(request, reply, pageOf(request.query), 0, ctx.origin);
      return [];
    },
  );

  app.get<{ Querystring: { per_page?: string; page?: string } }>(
    '/api/v3/user/ssh_signing_keys',
    {
      config: { auth: { classicScopes: ['read:ssh_signing_key'], permission: { group: 'account', name: 'ssh_signing_keys', level: 'read' } } },
      schema: { querystring: pagedQuerySchema() },
    },
    async (request, reply) => {
      setLinkHeader(request, reply, pageOf(request.query), 0, ctx.origin);
      return [];
    },
  );

  app.post<{ Body: { title?: string; key: string } }>(
    '/api/v3/user/keys',
    {
      config: { auth: { classicScopes: ['write:public_key'], permission: { group: 'account', name: 'git_ssh_keys', level: 'write' } } },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['key'],
          properties: { title: { type: 'string', maxLength: 1024 }, key: { type: 'string', minLength: 1, maxLength: 16384 } },
        },
      },
    },
    async () => refuseUserSshKey(),
  );

  app.post<{ Body: { name?: string; armored_public_key: string } }>(
    '/api/v3/user/gpg_keys',
    {
      config: { auth: { classicScopes: ['write:gpg_key'], permission: { group: 'account', name: 'gpg_keys', level: 'write' } } },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['armored_public_key'],
          properties: { name: { type: 'string', maxLength: 1024 }, armored_public_key: { type: 'string', minLength: 1, maxLength: 65536 } },
        },
      },
    },
    async () => refuseUserGpgKey(),
  );

  app.post<{ Body: { title?: string; key: string } }>(
    '/api/v3/user/ssh_signing_keys',
    {
      config: { auth: { classicScopes: ['write:ssh_signing_key'], permission: { group: 'account', name: 'ssh_signing_keys', level: 'write' } } },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['key'],
          properties: { title: { type: 'string', maxLength: 1024 }, key: { type: 'string', minLength: 1, maxLength: 16384 } },
        },
      },
    },
    async () => refuseUserSshSigningKey(),
  );
}
