// What the local CA's certificates look like: the names the server certificate covers (loopback
// only), how long each certificate is valid, when it is renewed, and how far it is back-dated.
export const SERVER_IPS = ['127.0.0.1', '::1'];
export const SERVER_DNS = ['localhost'];

export const DAY_MS = 24 * 60 * 60 * 1000;
export const CA_VALIDITY_DAYS = 3650;
export const SERVER_VALIDITY_DAYS = 825;
/** Renew a certificate that expires within this many days. */
export const RENEW_BEFORE_DAYS = 30;
/** Certificates are back-dated this much so a slightly slow client clock still accepts them. */
export const BACKDATE_MS = 60 * 60 * 1000;
