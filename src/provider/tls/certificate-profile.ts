// What the local CA's certificates look like: the names they cover (the loopback names and the
// names a team server is given), how long each certificate is valid, when it is renewed, and how
// far it is back-dated.
import { isIP } from 'node:net';
import { DAY, HOUR } from '../clock';
import type { PermittedNames } from './name-constraints';

const SERVER_IPS = ['127.0.0.1', '::1'];
const SERVER_DNS = ['localhost'];

/**
 * The names the CA may vouch for and the server certificate covers: the loopback names, then
 * `extra` (host names or IP addresses, lower case) in sorted order, without repeats.
 */
export function certificateNames(extra: readonly string[] = []): PermittedNames {
  const dns = [...SERVER_DNS];
  const ips = [...SERVER_IPS];
  for (const name of [...new Set(extra.map((n) => n.toLowerCase()))].sort()) {
    const list = isIP(name) ? ips : dns;
    if (!list.includes(name)) list.push(name);
  }
  return { dns, ips };
}

/** Three years: the CA is replaced (and trusted again through the same file) before then. */
export const CA_VALIDITY_MS = 1095 * DAY;
export const SERVER_VALIDITY_MS = 825 * DAY;
/** A certificate that expires within this long is renewed. */
export const RENEW_BEFORE_MS = 30 * DAY;
/** Certificates are back-dated this much so a slightly slow client clock still accepts them. */
export const BACKDATE_MS = HOUR;
