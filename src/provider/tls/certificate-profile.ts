// What the local CA's certificates look like: the names the server certificate covers (loopback
// only), how long each certificate is valid, when it is renewed, and how far it is back-dated.
import { DAY, HOUR } from '../clock';

export const SERVER_IPS = ['127.0.0.1', '::1'];
export const SERVER_DNS = ['localhost'];

export const CA_VALIDITY_MS = 3650 * DAY;
export const SERVER_VALIDITY_MS = 825 * DAY;
/** A certificate that expires within this long is renewed. */
export const RENEW_BEFORE_MS = 30 * DAY;
/** Certificates are back-dated this much so a slightly slow client clock still accepts them. */
export const BACKDATE_MS = HOUR;
