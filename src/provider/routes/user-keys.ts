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

const sshKeyBody = {
  type: 'object',
  additionalProperties: false,
  required: ['key'],
  properties: { title: { type: 'string', maxLength: 1024 }, key: { type: 'string', minLength: 1, maxLength: 16384 } },
} as const;

/** Each kind of key a user has none of: its list (empty) and its POST (a 422 saying why). */
const KEY_KINDS = [
  { path: 'keys', scope: 'public_key', permission: 'git_ssh_keys', body: sshKeyBody, refuse: refuseUserSshKey },
  {
    path: 'gpg_keys',
    scope: 'gpg_key',
    permission: 'gpg_keys',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['armored_public_key'],
      properties: { name: { type: 'string', maxLength: 1024 }, armored_public_key: { type: 'string', minLength: 1, maxLength: 65536 } },
    },
    refuse: refuseUserGpgKey,
  },
  { path: 'ssh_signing_keys', scope: 'ssh_signing_key', permission: 'ssh_signing_keys', body: sshKeyBody, refuse: refuseUserSshSigningKey },
] as const;

export function registerUserKeyRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  for (const kind of KEY_KINDS) {
    app.get<{ Querystring: { per_page?: string; page?: string } }>(
      `/api/v3/user/${kind.path}`,
      {
        config: { auth: { classicScopes: [`read:${kind.scope}`], permission: { group: 'account', name: kind.permission, level: 'read' } } },
        schema: { querystring: pagedQuerySchema() },
      },
      async (request, reply) => {
        setLinkHeader(request, reply, pageOf(request.query), 0, ctx.origin);
        return [];
      },
    );
    app.post(
      `/api/v3/user/${kind.path}`,
      {
        config: { auth: { classicScopes: [`write:${kind.scope}`], permission: { group: 'account', name: kind.permission, level: 'write' } } },
        schema: { body: kind.body },
      },
      async () => kind.refuse(),
    );
  }
}
