// GET /avatars/u/{id} and /avatars/o/{id}: the generated avatar of a user or an organization
// (avatars/identicon.ts), the image every `avatar_url` points at. Anonymous, like GitHub's.
import type { FastifyInstance } from 'fastify';
import { OPEN_TO_ANY_CALLER } from '../authz/requirement';
import { AVATAR_SIZES, AvatarKind, identiconSvg } from '../avatars/identicon';
import type { ProviderContext } from '../context';

const paramsSchema = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,15}$' } } } as const;
// GitHub's `s` (the width in pixels, what GraphQL's avatarUrl(size:) adds) and `v` (a version, ignored).
const querySchema = {
  type: 'object',
  properties: { s: { type: 'string', pattern: '^[1-9][0-9]{0,3}$', maxLength: 4 }, v: { type: 'string', maxLength: 16 } },
} as const;

export function registerAvatarRoutes(app: FastifyInstance, _ctx: ProviderContext): void {
  for (const kind of ['u', 'o'] as const satisfies readonly AvatarKind[]) {
    app.get<{ Params: { id: string }; Querystring: { s?: string; v?: string } }>(
      `/avatars/${kind}/:id`,
      { config: { auth: OPEN_TO_ANY_CALLER }, schema: { params: paramsSchema, querystring: querySchema } },
      async (request, reply) => {
        reply
          .type('image/svg+xml')
          .header('Cache-Control', 'public, max-age=86400')
          // An SVG opened on its own runs nothing and loads nothing.
          .header('Content-Security-Policy', "default-src 'none'");
        const size = request.query.s === undefined ? undefined : Math.min(AVATAR_SIZES.max, Number(request.query.s));
        return identiconSvg(kind, Number(request.params.id), size);
      },
    );
  }
}
