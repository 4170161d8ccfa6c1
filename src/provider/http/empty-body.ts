// @octokit/rest sends a PUT/PATCH without parameters as an empty body with no content type, which
// fetch labels `text/plain` — GitHub treats that as no body. `acceptEmptyBodies` makes a route
// scope do the same (any other non-JSON body stays a 415).
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors';

export function acceptEmptyBodies(scope: FastifyInstance): void {
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 }, (_request, body: Buffer, done) => {
    if (body.length === 0) done(null, undefined);
    else done(new HttpError(415, 'Unsupported Media Type: send application/json'));
  });
}
