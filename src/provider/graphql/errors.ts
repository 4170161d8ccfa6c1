// GitHub's GraphQL error shape: each error in `errors` carries a `type` (NOT_FOUND, FORBIDDEN,
// INSUFFICIENT_SCOPES, UNPROCESSABLE, ...) next to `message`, `path` and `locations`. Resolvers
// throw GraphqlTypedError; an HttpError from a service maps to its type by status, and so does a
// store error that is not a bug (storeErrorAnswer: a busy database, a row deleted meanwhile);
// anything else is a bug, logged and reported without details.
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Denial } from '../authz/guard';
import { storeErrorAnswer, type StoreErrorTests } from '../http/error-handler';
import { HttpError } from '../http/errors';

type GraphqlErrorType =
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'INSUFFICIENT_SCOPES'
  | 'UNPROCESSABLE'
  | 'EXCESSIVE_PAGINATION'
  | 'MAX_NODE_LIMIT_EXCEEDED'
  | 'MISSING_PAGINATION_BOUNDARIES'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL';

export class GraphqlTypedError extends Error {
  constructor(
    readonly type: GraphqlErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'GraphqlTypedError';
  }
}

export function notFoundError(message: string): GraphqlTypedError {
  return new GraphqlTypedError('NOT_FOUND', message);
}

/** A guard's denial as a GraphQL error (404 → NOT_FOUND with `notFoundMessage`). */
export function denialError(d: Denial, notFoundMessage: string): GraphqlTypedError {
  if (d.status === 404) return notFoundError(notFoundMessage);
  return new GraphqlTypedError(d.missingScopes ? 'INSUFFICIENT_SCOPES' : 'FORBIDDEN', d.message);
}

function typeOfStatus(status: number): GraphqlErrorType {
  if (status === 404) return 'NOT_FOUND';
  if (status === 401 || status === 403) return 'FORBIDDEN';
  if (status === 503) return 'SERVICE_UNAVAILABLE';
  if (status >= 400 && status < 500) return 'UNPROCESSABLE';
  return 'INTERNAL';
}

const INTERNAL_ERROR_MESSAGE = 'Something went wrong while executing your query.';

type BugLogger = (err: unknown) => void;

/** One error as GitHub writes it; `onBug` logs errors that are not the caller's. */
export function formatError(err: GraphQLError, onBug: BugLogger, store: StoreErrorTests): GraphQLFormattedError & { type?: string } {
  const base = {
    ...(err.path ? { path: err.path } : {}),
    ...(err.locations ? { locations: err.locations } : {}),
  };
  const original = err.originalError;
  if (!original) return { ...base, message: err.message }; // parse and validation errors
  if (original instanceof GraphqlTypedError) return { type: original.type, ...base, message: original.message };
  if (original instanceof HttpError) return { type: original.missingScopes ? 'INSUFFICIENT_SCOPES' : typeOfStatus(original.status), ...base, message: original.message };
  // A busy database (SERVICE_UNAVAILABLE), a row deleted meanwhile (NOT_FOUND): not bugs.
  const stored = storeErrorAnswer(original, store);
  if (stored) return { type: typeOfStatus(stored.status), ...base, message: stored.message };
  // graphql-js's own input coercion errors (bad variables) carry no original error of ours.
  if (original.name === 'GraphQLError') return { ...base, message: err.message };
  onBug(original);
  return { type: 'INTERNAL', ...base, message: INTERNAL_ERROR_MESSAGE };
}
