// Who calls a service: the request's authenticated principal (or nobody, on routes open to
// anonymous callers), from its client address.
import type { FastifyRequest } from 'fastify';
import type { AuditSource } from '../audit/audit';
import type { Principal } from '../auth/principal';
import { principalOf } from './authorize';

export interface Caller {
  principal: Principal;
  ip: string | undefined;
}

/** The caller of a request that has passed authentication (401 otherwise). */
export function callerOf(request: FastifyRequest): Caller {
  return { principal: principalOf(request), ip: request.ip };
}

/** The caller of a route open to anonymous callers: its principal when it sent credentials. */
export interface AnyCaller {
  principal: Principal | undefined;
  ip: string;
}

export function anyCallerOf(request: FastifyRequest): AnyCaller {
  return { principal: request.principal, ip: request.ip };
}

/** The caller as the source of an audit event. */
export function auditSourceOf(caller: Caller): AuditSource {
  return { user: caller.principal.user, ip: caller.ip };
}
