// What a failed `git clone` means, in words and as the kind of error the standard error display
// acts on: a provider git could not reach ("Retry"), a token the provider refused ("Sign In"), a
// repository it does not show, or git's own last words.
import { TesseraError } from '../services';

const UNREACHABLE = /Failed to connect|Could not resolve host|Connection refused|Connection timed out|Operation timed out|Couldn't connect|Connection reset/i;
const REFUSED = /Authentication failed|could not read Username|terminal prompts disabled|HTTP Basic: Access denied/i;
const NOT_FOUND = /Repository '[^']*' not found|repository '[^']*' not found/i;

/** git's stderr without the progress lines; the provider's own words (remote: …) first. */
function lastWords(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/^Cloning into /.test(l));
  const remote = lines.filter((l) => l.startsWith('remote:')).map((l) => l.replace(/^remote:\s*/, ''));
  return (remote.length ? remote : lines.slice(-3)).join(' ');
}

/** `withToken`: git was given a token (without one, a refusal means none was there to give). */
export function cloneFailure(stderr: string, origin: string, fullName: string, withToken: boolean): TesseraError {
  const words = lastWords(stderr);
  if (UNREACHABLE.test(stderr)) {
    return new TesseraError('provider-down', `The Tessera provider at ${origin} is not reachable: git could not connect to clone ${fullName} (${words}).`, { url: origin });
  }
  if (REFUSED.test(stderr) && !withToken) {
    return new TesseraError('forbidden', `git could not read ${fullName} without a token. If you have access to it, create a token for it in the Tokens view, then clone again.`, { url: origin });
  }
  if (REFUSED.test(stderr)) {
    return new TesseraError('signed-out', `The provider refused the token this editor cloned ${fullName} with (${words}). Sign in again, or check the token in the Tokens view.`, { url: origin });
  }
  if (NOT_FOUND.test(stderr)) return new TesseraError('not-found', `${words}.`, { url: origin });
  return new TesseraError('server', `git clone of ${fullName} failed: ${words}`, { url: origin });
}
