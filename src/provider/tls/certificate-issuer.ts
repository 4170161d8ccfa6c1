// Makes the local CA's certificates (./local-ca.ts decides when): a self-signed ECDSA P-256 CA that
// may sign server certificates only (path length 0) and only for the served names (critical name
// constraints), and a server certificate for those names, with @peculiar/x509. Loaded on demand
// only (see local-ca.ts for why).
import 'reflect-metadata'; // @peculiar/x509 (through tsyringe) needs a Reflect metadata polyfill
import * as x509 from '@peculiar/x509';
import * as crypto from 'node:crypto';
import { BACKDATE_MS, CA_VALIDITY_MS, SERVER_VALIDITY_MS } from './certificate-profile';
import { NAME_CONSTRAINTS_OID, nameConstraintsDer, PermittedNames } from './name-constraints';

x509.cryptoProvider.set(crypto.webcrypto);

type WebCryptoKeyPair = crypto.webcrypto.CryptoKeyPair;

/** A CA that can sign: its certificate and private key. */
export interface IssuingCa {
  cert: crypto.X509Certificate;
  certPem: string;
  keyPem: string;
  key: crypto.KeyObject;
}

const EC_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A positive, random 128-bit serial number in hex (RFC 5280 §4.1.2.2). */
function randomSerial(): string {
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01; // positive, and no leading zero byte
  return bytes.toString('hex');
}

async function generateKeyPair(): Promise<WebCryptoKeyPair> {
  return (await crypto.webcrypto.subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify'])) as WebCryptoKeyPair;
}

function privateKeyPem(key: crypto.KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

export async function createCa(now: number, names: PermittedNames): Promise<IssuingCa> {
  const keys = await generateKeyPair();
  const tag = crypto.randomBytes(4).toString('hex');
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=Tessera local CA ${tag}, O=Tessera`,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + CA_VALIDITY_MS),
    signingAlgorithm: EC_ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.Extension(NAME_CONSTRAINTS_OID, true, nameConstraintsDer(names)),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certPem = cert.toString('pem') + '\n';
  const key = crypto.KeyObject.from(keys.privateKey);
  return { cert: new crypto.X509Certificate(certPem), certPem, keyPem: privateKeyPem(key), key };
}

export async function createServerCertificate(ca: IssuingCa, now: number, names: PermittedNames): Promise<{ certPem: string; keyPem: string }> {
  const keys = await generateKeyPair();
  const caCert = new x509.X509Certificate(ca.certPem);
  const signingKey = await crypto.webcrypto.subtle.importKey('pkcs8', ca.key.export({ type: 'pkcs8', format: 'der' }), EC_ALGORITHM, false, ['sign']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=localhost, O=Tessera',
    issuer: caCert.subject,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(Math.min(now + SERVER_VALIDITY_MS, Date.parse(ca.cert.validTo))),
    signingAlgorithm: EC_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(
        [...names.dns.map((value) => ({ type: 'dns' as const, value })), ...names.ips.map((value) => ({ type: 'ip' as const, value }))],
        false,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: privateKeyPem(crypto.KeyObject.from(keys.privateKey)) };
}

