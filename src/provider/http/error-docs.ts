// What each error answer means and what to do about it: the page every JSON error's
// documentation_url points at (`{origin}/-/docs/errors#<topic>`, served by routes/error-docs.ts),
// so a client offline from GitHub's docs still gets an explanation from the provider it talks to.
// The topic is the HTTP status, or a named topic for an error that needs its own explanation.
import { escapeHtml } from '../../shared/html-escape';

export const ERROR_DOCS_PATH = '/-/docs/errors';

interface ErrorTopic {
  title: string;
  text: string;
}

const ERROR_TOPICS: Readonly<Record<string, ErrorTopic>> = {
  '400': { title: '400 Bad Request', text: 'The request could not be read: the body is not a JSON object, the JSON is malformed, or the URL is malformed.' },
  '401': {
    title: '401 Unauthorized',
    text: 'No credentials, or credentials that are not valid: an unknown, expired or revoked token, a wrong password, or a missing two-factor code (then X-GitHub-OTP: required; app is sent).',
  },
  '403': {
    title: '403 Forbidden',
    text: 'The credentials are valid but may not do this: a token without the scope or permission the endpoint needs (X-Accepted-OAuth-Scopes names it), an organization policy, or an action that needs sudo mode.',
  },
  '404': { title: '404 Not Found', text: 'No such endpoint or resource, or one the credentials may not see (the provider does not tell the two apart).' },
  '405': { title: '405 Method Not Allowed', text: 'The resource exists but does not take this method.' },
  '409': { title: '409 Conflict', text: 'The request conflicts with the current state of the resource.' },
  '413': { title: '413 Payload Too Large', text: 'API request bodies are at most 64 KiB.' },
  '415': { title: '415 Unsupported Media Type', text: 'API request bodies are JSON: send Content-Type: application/json.' },
  '421': {
    title: '421 Misdirected Request',
    text: 'The Host header names a host this provider does not serve: it answers its loopback names and the names it was started with (--host, --public-host).',
  },
  '422': { title: '422 Unprocessable Entity', text: 'A field is missing, unknown or invalid: `errors` names each field, with a code (missing_field, invalid, already_exists, ...) and a message.' },
  '429': { title: '429 Too Many Requests', text: 'Too many requests of one kind from one client: wait for the seconds Retry-After gives.' },
  '500': { title: '500 Internal Server Error', text: "A bug in the provider. Its log has the details under the answer's X-GitHub-Request-Id." },
  '503': { title: '503 Service Unavailable', text: 'The provider is shutting down, or its database is busy with another writer: try again after Retry-After.' },
  'rate-limit': {
    title: 'API rate limit exceeded',
    text:
      'Each user (or account API token) may make a number of API requests an hour (5,000 unless the provider was started with another --rate-limit), and each client address without credentials fewer (60, --anonymous-rate-limit). ' +
      'The X-RateLimit-Limit, -Remaining, -Used and -Reset headers of every API answer tell where the caller stands; GET /rate_limit tells it without counting. ' +
      'A request over the limit is answered 403 with Retry-After: the seconds until the count starts over. Answers 304 Not Modified do not count.',
  },
};

/** The documentation_url for a topic (a status or a named topic); the status page when unknown. */
export function documentationUrl(origin: string, topic: string): string {
  return `${origin}${ERROR_DOCS_PATH}#${ERROR_TOPICS[topic] ? topic : 'errors'}`;
}

/** The page itself: one section per topic, each with its topic as anchor. */
export function errorDocsPage(): string {
  const sections = Object.entries(ERROR_TOPICS)
    .map(([id, t]) => `<section id="${escapeHtml(id)}"><h2>${escapeHtml(t.title)}</h2><p>${escapeHtml(t.text)}</p></section>`)
    .join('\n');
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Tessera API errors</title></head>\n<body><h1 id="errors">Tessera API errors</h1>\n<p>Every error answer is JSON: <code>{ "message": ..., "errors": [...], "documentation_url": ... }</code>; the documentation_url points at the section below for its status or topic.</p>\n${sections}\n</body></html>\n`;
}
