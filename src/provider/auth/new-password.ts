// What a new password must not be, checked wherever a password is set (sign-up today; a password
// change must call the same check). Length is the schema's (MIN/MAX_PASSWORD_LENGTH).
import { invalidField } from '../http/errors';
import { looksLikeToken } from './credentials';

/** Throws a 422 naming `password` when it could never be used to sign in, or is the login. */
export function checkNewPassword(password: string, login: string): void {
  // Basic authentication takes a password with a token's prefix for a token, so it could never sign in.
  if (looksLikeToken(password)) throw invalidField('password', "must not start with 'tsp_', 'tsf_' or 'tsa_' (those mark tokens)");
  if (password.toLowerCase() === login.toLowerCase()) throw invalidField('password', 'must not be the login');
}
