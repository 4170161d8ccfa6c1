// What Tessera's git credential helper (helper-main.ts, run by git) and the extension host's side of
// it (helper-server.ts) say to each other. No vscode here: the helper runs in git's process tree.

/** The environment variables git's processes inherit from the extension host. */
export const HANDLE_ENV = 'TESSERA_GIT_CREDENTIAL_HANDLE';
export const NONCE_ENV = 'TESSERA_GIT_CREDENTIAL_NONCE';
/** The header that carries the nonce (only processes started from this extension host know it). */
export const NONCE_HEADER = 'x-tessera-nonce';

/** git's credential request (its `protocol`, `host` and, with credential.useHttpPath, `path`). */
export interface HelperRequest {
  readonly protocol: string;
  readonly host: string;
  readonly path?: string;
}

/** The answer: both halves at once, or nothing (git then asks its next helper or its askpass). */
export type HelperAnswer = { readonly username: string; readonly password: string } | Record<string, never>;

/** The URL a request is about: `protocol://host/path`. */
export function requestUrl(r: HelperRequest): string {
  return `${r.protocol}://${r.host}/${(r.path ?? '').replace(/^\/+/, '')}`;
}
