// Classic tokens (tsp_): scopes, optional expiry (none allowed).
import { widensScopes } from '../../shared/classic-scopes';
import { invalidField } from '../http/errors';
import { extendsExpiry, TokenKindHandler } from './token-kind';
import { validateScopes } from './scope-input';

const FINE_GRAINED_ONLY = ['resource_owner', 'repository_selection', 'repositories', 'permissions', 'justification'] as const;

export const classicKind: TokenKindHandler = {
  async create(_ctx, { principal, body, expiresAt }) {
    for (const f of FINE_GRAINED_ONLY) {
      if (body[f] !== undefined) throw invalidField(f, 'is only for fine-grained tokens (kind: "fine_grained")');
    }
    return {
      userId: principal.user.id,
      kind: 'classic',
      note: body.name,
      description: body.description ?? null,
      scopes: validateScopes('scopes', body.scopes),
      status: 'active',
      expiresAt: expiresAt ?? null,
    };
  },

  async update(_ctx, { token, body, expiresAt }) {
    if (body.permissions !== undefined) throw invalidField('permissions', 'is only for fine-grained tokens');
    const scopes = body.scopes !== undefined ? validateScopes('scopes', body.scopes) : undefined;
    const widens = (scopes !== undefined && widensScopes(token.scopes, scopes)) || extendsExpiry(token.expiresAt, expiresAt);
    return { update: { scopes, expiresAt }, widens };
  },

  async regenerate(_ctx, { expiresAt }) {
    return { expiresAt };
  },
};
