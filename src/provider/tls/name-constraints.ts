// The local CA's NameConstraints extension (RFC 5280 §4.2.1.10), critical, permitting only the
// names the provider serves: a CA that git or a system bundle trusts can then vouch for nothing
// else (a certificate it signs for another name fails verification). Encoded here in DER, once,
// both to make the CA (./certificate-issuer.ts) and to tell whether an existing CA carries exactly
// this extension (./local-ca.ts, which must not load @peculiar/x509 for that).
import * as crypto from 'node:crypto';
import { isIP } from 'node:net';

export const NAME_CONSTRAINTS_OID = '2.5.29.30';

/** The names a certificate may be issued for: DNS names (and their subdomains) and single IPs. */
export interface PermittedNames {
  dns: readonly string[];
  ips: readonly string[];
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

function ipv4Bytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** The 16 bytes of an IPv6 address (with `::` and a dotted IPv4 tail). */
export function ipv6Bytes(ip: string): number[] {
  let text = ip;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    text = dotted[1] + '0:0'; // placeholder groups, replaced below
    tail.push(...ipv4Bytes(dotted[2]));
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':').filter((g) => g !== '') : []);
  const left = groups(head);
  const right = groups(rest);
  const all = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = all.flatMap((g) => {
    const v = parseInt(g, 16);
    return [v >> 8, v & 0xff];
  });
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** An iPAddress subtree for exactly one address: the address and an all-ones mask. */
function singleAddress(ip: string): Buffer {
  const family = isIP(ip);
  if (family === 4) return Buffer.from([...ipv4Bytes(ip), 255, 255, 255, 255]);
  if (family === 6) return Buffer.from([...ipv6Bytes(ip), ...Array<number>(16).fill(255)]);
  throw new Error(`not an IP address: ${ip}`);
}

/** DER of NameConstraints { permittedSubtrees } for `names` (the extension's value). */
export function nameConstraintsDer(names: PermittedNames): Buffer {
  const subtrees = [
    ...names.dns.map((name) => tlv(0x82, Buffer.from(name, 'ascii'))), // dNSName [2] IA5String
    ...names.ips.map((ip) => tlv(0x87, singleAddress(ip))), // iPAddress [7] OCTET STRING
  ].map((generalName) => tlv(0x30, generalName)); // GeneralSubtree ::= SEQUENCE { base }
  return tlv(0x30, tlv(0xa0, Buffer.concat(subtrees))); // NameConstraints { [0] permittedSubtrees }
}

/** DER of the whole critical extension as it appears in a certificate. */
function extensionDer(names: PermittedNames): Buffer {
  const oid = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x1e]);
  const critical = Buffer.from([0x01, 0x01, 0xff]);
  return tlv(0x30, Buffer.concat([oid, critical, tlv(0x04, nameConstraintsDer(names))]));
}

/** Whether `cert` carries exactly the critical name constraints for `names` (in this order). */
export function hasNameConstraints(cert: crypto.X509Certificate, names: PermittedNames): boolean {
  return cert.raw.includes(extensionDer(names));
}
