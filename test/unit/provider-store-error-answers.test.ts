// Store errors that are not bugs, as REST (toHttpError) and GraphQL (formatError) answer them,
// from the store's own tests (Store.isBusy, Store.isMissingReference): a busy database is 503 /
// SERVICE_UNAVAILABLE, a write that referred to a row deleted meanwhile 404 / NOT_FOUND; any other
// error is a bug (REST: undefined, a 500; GraphQL: INTERNAL, logged).
import * as assert from 'node:assert/strict';
import { GraphQLError } from 'graphql';
import { formatError } from '../../src/provider/graphql/errors';
import { DATABASE_BUSY_MESSAGE, toHttpError, type StoreErrorTests } from '../../src/provider/http/error-handler';
import { HttpError } from '../../src/provider/http/errors';

const busy = new Error('database is locked');
const gone = new Error('FOREIGN KEY constraint failed');
const bug = new Error('boom');
const store: StoreErrorTests = { isBusy: (e) => e === busy, isMissingReference: (e) => e === gone };

function graphqlError(original: Error): GraphQLError {
  return new GraphQLError(original.message, { path: ['createRepository'], originalError: original });
}

describe('provider store errors as answers', () => {
  it('REST: a missing reference is 404 Not Found, a busy database 503 with Retry-After, a bug undefined (500)', () => {
    const notFound = toHttpError(gone, store);
    assert.ok(notFound instanceof HttpError);
    assert.deepEqual([notFound.status, notFound.body(), notFound.headers], [404, { message: 'Not Found' }, {}]);
    const unavailable = toHttpError(busy, store);
    assert.deepEqual([unavailable?.status, unavailable?.message, unavailable?.headers], [503, DATABASE_BUSY_MESSAGE, { 'Retry-After': '1' }]);
    assert.equal(toHttpError(bug, store), undefined);
  });

  it('GraphQL: a missing reference is NOT_FOUND, a busy database SERVICE_UNAVAILABLE, neither logged; a bug is INTERNAL and logged', () => {
    const bugs: unknown[] = [];
    const onBug = (err: unknown) => bugs.push(err);
    assert.deepEqual(formatError(graphqlError(gone), onBug, store), { type: 'NOT_FOUND', path: ['createRepository'], message: 'Not Found' });
    assert.deepEqual(formatError(graphqlError(busy), onBug, store), { type: 'SERVICE_UNAVAILABLE', path: ['createRepository'], message: DATABASE_BUSY_MESSAGE });
    assert.deepEqual(bugs, []);
    assert.deepEqual(formatError(graphqlError(bug), onBug, store), { type: 'INTERNAL', path: ['createRepository'], message: 'Something went wrong while executing your query.' });
    assert.deepEqual(bugs, [bug]);
  });
});
