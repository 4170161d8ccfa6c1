// Classic scope lists from requests: unknown names → 422 naming the field; the rest normalized
// the way GitHub does (`user,user:email` → `user`).
import { normalizeScopes, unknownScopes } from '../../shared/classic-scopes';
import { invalidField } from '../http/errors';

export const scopesSchema = { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 64 } } as const;

export function validateScopes(field: string, scopes: readonly string[] | undefined): string[] {
  const list = scopes ?? [];
  const unknown = unknownScopes(list.map((s) => s.trim()));
  if (unknown.length) {
    throw invalidField(field, `contains unknown scope${unknown.length > 1 ? 's' : ''}: ${unknown.map((s) => `'${s.slice(0, 64)}'`).join(', ')}`);
  }
  return normalizeScopes(list.map((s) => s.trim()));
}
