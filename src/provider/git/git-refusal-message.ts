// The message git shows its user ("remote: ...") when the provider refuses a smart-HTTP request:
// it names the token, the repository and the reason, and says what to do (use a personal access
// token as the password). Worded from facts the caller gathers; decides nothing else.
import type { Principal } from '../auth/principal';
import { BAD_CREDENTIALS } from '../http/errors';
import { isoTime } from '../iso-time';
import { printableText } from './printable-text';

export interface GitRefusal {
  status: number;
  /** The refusal's own message (the authorization layer's, or the handler's). */
  message: string;
  headers: Record<string, string>;
}

export interface GitRefusalFacts {
  /** `owner/repo` as the client asked for it (without `.git`). */
  fullName: string;
  access: 'read' | 'write';
  /** The request carried an Authorization header. */
  sentCredentials: boolean;
  /** Who was authenticated, if anyone. */
  principal: Principal | undefined;
  /** Why the token awaits its org's approval or was denied it, when that is so. */
  approvalDenial?: string;
  /** A classic token's scopes, when they reach public repositories only (none of them is `repo`). */
  publicOnlyScopes?: readonly string[];
  /** The token sent, when it was refused because it expired. */
  expiredToken?: { name: string; expiredAt: Date | null };
}

/** `owner/repo` from the route's `:owner` and `:repo` (which may end in `.git`). */
export function gitFullName(owner: string | undefined, repo: string | undefined): string {
  return `${owner ?? ''}/${(repo ?? '').replace(/\.git$/i, '')}`;
}

/** The other way out of a refusal that names what the token lacks. */
const OR_ANOTHER_TOKEN = 'or use a token that has it as the password';

/** Why a classic token without `repo` finds no private repository, worded from its own scopes. */
function publicOnlyHint(scopes: readonly string[]): string {
  const has = scopes.length ? `its scopes (${scopes.join(', ')}) reach` : 'it has no scopes, so it reaches';
  return `${has} public repositories only: add the repo scope to the token, ${OR_ANOTHER_TOKEN}`;
}

function describeToken(principal: Principal | undefined): string | undefined {
  const token = principal?.token;
  return token ? `token '${token.note}'` : undefined;
}

/** One line for git to print: whatever of it a client or a user chose, its control characters escaped. */
export function gitRefusalMessage(err: GitRefusal, facts: GitRefusalFacts): string {
  return printableText(refusalText(err, facts));
}

function refusalText(err: GitRefusal, facts: GitRefusalFacts): string {
  const { fullName, access, principal } = facts;
  const who = describeToken(principal);
  if (err.status === 401) {
    if (!facts.sentCredentials) return `Authentication required for ${fullName}: use a personal access token as the password`;
    if (err.message === BAD_CREDENTIALS) {
      return `Bad credentials for ${fullName}: the password must be a valid Tessera personal access token`;
    }
    const expired = facts.expiredToken;
    if (expired) {
      const on = expired.expiredAt ? ` on ${isoTime(expired.expiredAt).slice(0, 10)}` : '';
      return `token '${expired.name}' expired${on} (${fullName}): regenerate it or create a new token, and use that as the password`;
    }
    return `${err.message} (${fullName})`;
  }
  if (err.status === 404) {
    if (!who) return `Repository '${fullName}' not found`;
    // The token's own state is no secret about the repository: say it when it may be why.
    const why = facts.approvalDenial ?? (facts.publicOnlyScopes ? publicOnlyHint(facts.publicOnlyScopes) : undefined);
    return `Repository '${fullName}' not found, or ${who} may not access it${why ? ` (${why})` : ''}`;
  }
  if (err.status === 403) {
    if (principal?.method === 'password') {
      return 'Password authentication is not supported for Git operations: use a personal access token as the password';
    }
    const permission = err.headers['X-Accepted-GitHub-Permissions'];
    if (who && permission) {
      const [name, level] = permission.split('=');
      return `${who} lacks ${name}:${level} on ${fullName} (${err.message}): give the token ${name}:${level}, ${OR_ANOTHER_TOKEN}`;
    }
    const scope = /^Token lacks the required scope: (.*)$/.exec(err.message);
    const verb = access === 'write' ? 'push to' : 'fetch from';
    if (who && scope) return `${who} lacks the ${scope[1]} scope needed to ${verb} ${fullName}: add the ${scope[1]} scope to the token, ${OR_ANOTHER_TOKEN}`;
    return who ? `${who} may not ${verb} ${fullName}: ${err.message}` : err.message;
  }
  return err.message;
}
