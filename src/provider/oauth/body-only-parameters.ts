// The OAuth endpoints at the origin take their parameters in the body only. GitHub also reads them
// from the query (`POST /login/oauth/access_token?client_id=…&client_secret=…&code=…`, as old
// tutorials write it), but gh and octokit send a form or JSON body, and a client secret, a code or
// a device code in a URL lands in proxies' logs and shell histories. So a query parameter here is
// refused before the body is validated (a request with everything in its query would otherwise be
// told that client_id is missing) and never read: a 422 naming the parameter, never its value.
import { validationFailed } from '../http/errors';

/** Names are cut like a form field's in parse errors: a name is not a value, but it may be long. */
const NAME_LIMIT = 64;

/** Throws the 422 naming each query parameter; does nothing for a request without a query. */
export function refuseOAuthQuery(query: unknown): void {
  if (query === null || typeof query !== 'object') return;
  const names = Object.keys(query);
  if (names.length === 0) return;
  throw validationFailed(names.map((name) => ({ field: name.slice(0, NAME_LIMIT), code: 'invalid', message: 'must be sent in the request body (form-encoded or JSON), not in the URL' })));
}
