// @octokit/rest sends a PUT/PATCH without parameters as an empty body with no content type, which
// fetch labels `text/plain` — GitHub treats that as no body. `acceptEmptyBodies` makes a route
// scope do the same (any other non-JSON body stays a 415); a body sent with no content type at all
// goes to `untyped` when given (the JSON parser: GitHub reads such a body as JSON).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors';

type BufferParser = (request: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => void;

export function acceptEmptyBodies(scope: FastifyInstance, untyped?: { parser: BufferParser; bodyLimit: number }): void {
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: untyped?.bodyLimit ?? 1024 }, (request, body: Buffer, done) => {
    if (body.length === 0) done(null, undefined);
    else if (untyped && request.headers['content-type'] === undefined) untyped.parser(request, body, done);
    else done(new HttpError(415, 'Unsupported Media Type: send application/json'));
  });
}
