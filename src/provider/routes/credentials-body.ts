// What the anonymous credential routes (POST /credentials/revoke, /credentials/check) share: a body
// of 1 to `max` token strings, and a limit per client address taken before the body is read
// (429 with Retry-After past it). The secrets are the proof; nothing else is asked.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ProviderContext } from '../context';
import { HttpError } from '../http/errors';

/** The JSON schema of `{credentials: [...]}` with 1 to `max` strings. */
export function credentialsBodySchema(max: number) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['credentials'],
    properties: {
      credentials: { type: 'array', minItems: 1, maxItems: max, items: { type: 'string', maxLength: 255 } },
    },
  } as const;
}

/**
 * A preValidation hook counting the call against the context's limiter `limiter` (read per call, not
 * when the route is registered) for the client address; `what` names it in the 429.
 */
export function perAddressLimit(ctx: ProviderContext, limiter: 'credentialsRevoke' | 'credentialsCheck', what: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const wait = await ctx.rateLimits[limiter].hit(`ip:${request.ip}`);
    if (wait > 0) {
      reply.header('Retry-After', String(wait));
      throw new HttpError(429, `Rate limit exceeded for ${what}: try again in ${wait} seconds`);
    }
  };
}
