// What a route declares about who may call it: `config: { auth: AuthRequirement }` on every
// route (registration fails without it). Enforced by the one authorization hook (./authorize.ts)
// through the guard list (./guards.ts).
import type { FastifyRequest } from 'fastify';
import type { PermissionGroup, PermissionLevel } from '../../shared/fine-grained-permissions';
import type { Principal } from '../auth/principal';
import type { ProviderContext } from '../context';
import type { AuthzResource } from './resource';

export interface PermissionRequirement {
  group: PermissionGroup;
  name: string;
  level: PermissionLevel;
}

/** What authorization reads of a request: its method, URL, headers and client address. */
export type AuthzRequest = Pick<FastifyRequest, 'method' | 'url' | 'headers' | 'ip'>;

/** A value fixed per route, or computed per request (e.g. `public_repo` vs `repo` by visibility). */
export type PerRequest<T> = T | ((request: AuthzRequest, resource: AuthzResource | undefined) => T);

export type ResourceResolver = (
  request: FastifyRequest,
  ctx: ProviderContext,
  principal: Principal | undefined,
) => Promise<AuthzResource | undefined>;

export interface AuthRequirement {
  /** Callers without credentials are allowed (credentials that are sent are still checked). */
  anonymous?: boolean;
  /**
   * Classic tokens: any one of these scopes suffices (hierarchy applies: `repo` grants
   * `public_repo`). `[]` = any classic token. Absent = classic tokens may not call the route.
   */
  classicScopes?: PerRequest<readonly string[]>;
  /**
   * Fine-grained tokens: the permission needed. `'none'` = any fine-grained token (e.g. GET /user).
   * Absent = fine-grained tokens may not call the route ("Resource not accessible by personal
   * access token").
   */
  permission?: PerRequest<PermissionRequirement | 'none' | undefined>;
  /** Account API tokens (method 4) may call the route (their org scope is checked by a guard). */
  accountToken?: boolean;
  /**
   * Loads the resource the request is about (from params), for guards and the handler
   * (request.authz.resource). Returning undefined answers 404.
   */
  resource?: ResourceResolver;
  /** Needs fresh proof: Basic + OTP on this request, or the token's open sudo window. */
  sudo?: boolean;
  /**
   * A classic token admitted only by one of these of its `classicScopes` needs fresh proof too:
   * Tessera's `admin:token` stands in for `admin:org` on an org's writes (the editor signs in with
   * it), as the token it could mint with sudo would.
   */
  sudoFor?: readonly string[];
  /** Only Basic login:password (+ OTP) — the 2013 Authorizations API. */
  basicOnly?: boolean;
  /** Only a token (e.g. POST /user/sudo, which opens that token's window). */
  tokenOnly?: boolean;
  /** 401 answers carry this `WWW-Authenticate` value (git: `Basic realm="Tessera"`). */
  wwwAuthenticate?: string;
}

/**
 * An organization's writes by classic token: `admin:org`, or Tessera's `admin:token` (what the
 * editor signs in with) with fresh proof, as minting an `admin:org` token would need.
 */
export const ORG_ADMIN_WRITE = { classicScopes: ['admin:org', 'admin:token'], sudoFor: ['admin:token'] } as const satisfies AuthRequirement;

/**
 * Anonymous, and open to any credentials a client sends along (a token of any kind or scope,
 * an account API token): credentials that are sent are still checked, so bad ones answer 401.
 */
export const OPEN_TO_ANY_CALLER: AuthRequirement = { anonymous: true, classicScopes: [], permission: 'none', accountToken: true };

export function resolvePerRequest<T>(v: PerRequest<T> | undefined, request: AuthzRequest, resource: AuthzResource | undefined): T | undefined {
  return typeof v === 'function' ? (v as (r: AuthzRequest, res: AuthzResource | undefined) => T)(request, resource) : v;
}
