// How the OAuth endpoints answer, as GitHub's do: JSON when the client accepts application/json,
// otherwise application/x-www-form-urlencoded (what gh and other OAuth libraries parse by default).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from './oauth-error';

function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.split(',').some((part) => part.trim().split(';')[0].trim().toLowerCase() === 'application/json');
}

function sendOAuth(request: FastifyRequest, reply: FastifyReply, body: object): FastifyReply {
  reply.header('Cache-Control', 'no-store');
  if (wantsJson(request)) return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) if (v !== undefined && v !== null) form.set(k, String(v));
  return reply.type('application/x-www-form-urlencoded; charset=utf-8').send(form.toString());
}

/** Runs `fn` and answers its result; an OAuthError becomes GitHub's error answer (other errors pass on). */
export async function answerOAuth(request: FastifyRequest, reply: FastifyReply, fn: () => Promise<object>): Promise<FastifyReply> {
  let body: object;
  try {
    body = await fn();
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    reply.code(err.status);
    body = err.body();
  }
  return sendOAuth(request, reply, body);
}
