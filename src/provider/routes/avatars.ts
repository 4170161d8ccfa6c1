// GET /avatars/u/{id} and /avatars/o/{id}: the generated avatar of a user or an organization
// (avatars/identicon.ts), the image every `avatar_url` points at. Anonymous, like GitHub's.
import type { FastifyInstance } from 'fastify';
import { OPEN_TO_ANY_CALLER } from '../authz/requirement';
import { AvatarKind, identiconSvg } from '../avatars/identicon';
import type { ProviderContext } from '../context';

const paramsSchema = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,15}$' } } } as const;

export function registerAvatarRoutes(app: FastifyInstance, _ctx: ProviderContext): void {
  for (const kind of ['u', 'o'] as const satisfies readonly AvatarKind[]) {
    app.get<{ Params: { id: string } }>(`/avatars/${kind}/:id`, { config: { auth: OPEN_TO_ANY_CALLER }, schema: { params: paramsSchema } }, async (request, reply) => {
      reply
        .type('image/svg+xml')
        .header('Cache-Control', 'public, max-age=86400')
        // An SVG opened on its own runs nothing and loads nothing.
        .header('Content-Security-Policy', "default-src 'none'");
      return identiconSvg(kind, Number(request.params.id));
    });
  }
}
