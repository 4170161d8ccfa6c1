// The provider's JSON shapes the core reads (DESIGN.md, GitHub's shapes). Fields the core does not
// need are left out; optional ones are read defensively (the provider is built at the same time).
import type { PermissionSet } from '../../shared/fine-grained-permissions';

export interface ApiUser {
  readonly id: number;
  readonly login: string;
  readonly email?: string | null;
  readonly name?: string | null;
  readonly site_admin?: boolean;
  readonly two_factor_authentication?: boolean;
}

/** `POST /authorizations` answer (GitHub 2013 shape); `token` only in the create answer. */
export interface ApiAuthorization {
  readonly id: number;
  readonly token?: string;
  readonly token_last_eight?: string;
  readonly scopes: readonly string[];
  readonly note?: string | null;
}

export type ApiTokenStatus = 'active' | 'pending' | 'denied' | 'expired' | 'revoked';

export interface ApiRepositoryRef {
  readonly id?: number;
  readonly name?: string;
  readonly full_name?: string;
  readonly private?: boolean;
  readonly owner?: { readonly login: string };
}

/** `/user/personal-access-tokens` items (both kinds); `token` only at creation/regeneration. */
export interface ApiToken {
  readonly id: number;
  readonly name: string;
  readonly kind: 'classic' | 'fine_grained';
  readonly token?: string;
  readonly token_last_eight?: string;
  readonly scopes?: readonly string[];
  readonly permissions?: PermissionSet;
  readonly resource_owner?: string | { readonly login: string } | null;
  readonly repository_selection?: 'none' | 'all' | 'subset';
  readonly repositories?: readonly (string | number | ApiRepositoryRef)[];
  readonly expires_at?: string | null;
  readonly status?: ApiTokenStatus;
  readonly created_at?: string;
  readonly last_used_at?: string | null;
}

export interface ApiRepository {
  readonly id: number;
  readonly name: string;
  readonly full_name: string;
  readonly private: boolean;
  readonly owner: { readonly login: string };
  readonly clone_url?: string;
  readonly html_url?: string;
  readonly description?: string | null;
}

export interface ApiHealth {
  readonly service: string;
  readonly version?: string;
  readonly status?: string;
}

export function ownerLogin(owner: ApiToken['resource_owner']): string | undefined {
  if (!owner) return undefined;
  return typeof owner === 'string' ? owner : owner.login;
}
