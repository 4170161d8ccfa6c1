// A local certificate authority for `--tls auto`: on first start it makes a CA and a server
// certificate for 127.0.0.1, ::1 and localhost under `${dataDir}/tls/`, and reuses them on
// later starts (the server certificate is renewed when it expires within 30 days). Git and the
// extension trust the CA through `http.sslCAInfo` for the provider's origin only.
import 'reflect-metadata'; // @peculiar/x509 (through tsyringe) needs a Reflect metadata polyfill
import * as x509 from '@peculiar/x509';
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

x509.cryptoProvider.set(crypto.webcrypto);

type WebCryptoKey = crypto.webcrypto.CryptoKey;
type WebCryptoKeyPair = crypto.webcrypto.CryptoKeyPair;

export interface LocalCa {
  /** Absolute path of the CA certificate (PEM) that clients should trust. */
  caCertPath: string;
  caCertPem: string;
  /** The server certificate (PEM) for 127.0.0.1, ::1 and localhost, signed by the CA. */
  certPem: string;
  /** The server certificate's private key (PKCS#8 PEM). */
  keyPem: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const CA_VALIDITY_DAYS = 3650;
export const SERVER_VALIDITY_DAYS = 825;
/** Renew a certificate that expires within this many days. */
export const RENEW_BEFORE_DAYS = 30;
/** Certificates are back-dated this much so a slightly slow client clock still accepts them. */
const BACKDATE_MS = 60 * 60 * 1000;

const EC_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const SERVER_IPS = ['127.0.0.1', '::1'];
const SERVER_DNS = ['localhost'];

export const LOCAL_CA_FILES = {
  caCert: 'ca.pem',
  caKey: 'ca-key.pem',
  serverCert: 'server.pem',
  serverKey: 'server-key.pem',
} as const;

/**
 * Makes (first call) or reuses (later calls) the local CA and server certificate in
 * `${dataDir}/tls/`. Safe against several processes starting at once (a lock file).
 */
export async function ensureLocalCa(dataDir: string): Promise<LocalCa> {
  const dir = path.resolve(dataDir, 'tls');
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  await fsp.chmod(dir, 0o700);
  return withDirectoryLock(dir, async () => {
    const files = {
      caCert: path.join(dir, LOCAL_CA_FILES.caCert),
      caKey: path.join(dir, LOCAL_CA_FILES.caKey),
      serverCert: path.join(dir, LOCAL_CA_FILES.serverCert),
      serverKey: path.join(dir, LOCAL_CA_FILES.serverKey),
    };
    const now = Date.now();

    let ca = await loadCa(files.caCert, files.caKey, now);
    let caIsNew = false;
    if (!ca) {
      ca = await createCa(now);
      await writeFileAtomic(files.caKey, ca.keyPem, 0o600);
      await writeFileAtomic(files.caCert, ca.certPem, 0o644);
      caIsNew = true;
    }

    let server = caIsNew ? undefined : await loadServer(files.serverCert, files.serverKey, ca.cert, now);
    if (!server) {
      server = await createServerCertificate(ca, now);
      await writeFileAtomic(files.serverKey, server.keyPem, 0o600);
      await writeFileAtomic(files.serverCert, server.certPem, 0o644);
    }
    // Repair modes of files that were already there (a copy or a restore may have widened them).
    await fsp.chmod(files.caKey, 0o600);
    await fsp.chmod(files.serverKey, 0o600);

    return { caCertPath: files.caCert, caCertPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem };
  });
}

interface LoadedCa {
  cert: crypto.X509Certificate;
  certPem: string;
  keyPem: string;
  /** WebCrypto signing key. */
  signingKey: WebCryptoKey;
  /** The CA certificate as @peculiar/x509 sees it (issuer name, key identifier). */
  x509Cert: x509.X509Certificate;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function stillValid(cert: crypto.X509Certificate, now: number): boolean {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return Number.isFinite(from) && Number.isFinite(to) && from <= now + BACKDATE_MS && to > now + RENEW_BEFORE_DAYS * DAY_MS;
}

function isP256(key: crypto.KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

async function importSigningKey(key: crypto.KeyObject): Promise<WebCryptoKey> {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  return crypto.webcrypto.subtle.importKey('pkcs8', der, EC_ALGORITHM, false, ['sign']) as Promise<WebCryptoKey>;
}

/** The existing CA if it is complete, consistent, a CA, ECDSA P-256 and not near expiry. */
async function loadCa(certFile: string, keyFile: string, now: number): Promise<LoadedCa | undefined> {
  const [certPem, keyPem] = await Promise.all([readIfExists(certFile), readIfExists(keyFile)]);
  if (certPem === undefined || keyPem === undefined) return undefined;
  try {
    const cert = new crypto.X509Certificate(certPem);
    const key = crypto.createPrivateKey(keyPem);
    if (!cert.ca || !isP256(key) || !cert.checkPrivateKey(key) || !stillValid(cert, now)) return undefined;
    return { cert, certPem, keyPem, signingKey: await importSigningKey(key), x509Cert: new x509.X509Certificate(certPem) };
  } catch {
    return undefined; // unreadable: make a new one
  }
}

/** The existing server certificate if it is issued by `ca`, covers our names and is not near expiry. */
async function loadServer(
  certFile: string,
  keyFile: string,
  ca: crypto.X509Certificate,
  now: number,
): Promise<{ certPem: string; keyPem: string } | undefined> {
  const [certPem, keyPem] = await Promise.all([readIfExists(certFile), readIfExists(keyFile)]);
  if (certPem === undefined || keyPem === undefined) return undefined;
  try {
    const cert = new crypto.X509Certificate(certPem);
    const key = crypto.createPrivateKey(keyPem);
    if (!cert.checkPrivateKey(key) || !cert.checkIssued(ca) || !cert.verify(ca.publicKey) || !stillValid(cert, now)) {
      return undefined;
    }
    if (!SERVER_IPS.every((ip) => cert.checkIP(ip)) || !SERVER_DNS.every((host) => cert.checkHost(host))) return undefined;
    return { certPem, keyPem };
  } catch {
    return undefined;
  }
}

/** A positive, random 128-bit serial number in hex (RFC 5280 §4.1.2.2). */
function randomSerial(): string {
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01; // positive, and no leading zero byte
  return bytes.toString('hex');
}

async function generateKeyPair(): Promise<WebCryptoKeyPair> {
  return (await crypto.webcrypto.subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify'])) as WebCryptoKeyPair;
}

function privateKeyPem(key: WebCryptoKey): string {
  return crypto.KeyObject.from(key as unknown as crypto.webcrypto.CryptoKey).export({ type: 'pkcs8', format: 'pem' }) as string;
}

async function createCa(now: number): Promise<LoadedCa> {
  const keys = await generateKeyPair();
  const tag = crypto.randomBytes(4).toString('hex');
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=Tessera local CA ${tag}, O=Tessera`,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + CA_VALIDITY_DAYS * DAY_MS),
    signingAlgorithm: EC_ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certPem = cert.toString('pem') + '\n';
  return {
    cert: new crypto.X509Certificate(certPem),
    certPem,
    keyPem: privateKeyPem(keys.privateKey),
    signingKey: keys.privateKey,
    x509Cert: cert,
  };
}

async function createServerCertificate(ca: LoadedCa, now: number): Promise<{ certPem: string; keyPem: string }> {
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=localhost, O=Tessera',
    issuer: ca.x509Cert.subject,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(Math.min(now + SERVER_VALIDITY_DAYS * DAY_MS, Date.parse(ca.cert.validTo))),
    signingAlgorithm: EC_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(
        [...SERVER_DNS.map((value) => ({ type: 'dns' as const, value })), ...SERVER_IPS.map((value) => ({ type: 'ip' as const, value }))],
        false,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.x509Cert.publicKey),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: privateKeyPem(keys.privateKey) };
}

/** Writes through a temporary file created with `mode`, then renames, so readers never see half a key. */
async function writeFileAtomic(file: string, content: string, mode: number): Promise<void> {
  const tmp = `${file}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  const handle = await fsp.open(tmp, 'wx', mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.chmod(mode); // the umask may have narrowed or the mode widened nothing; make it exact
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 60_000;

/** Serializes CA creation between processes (several VS Code windows may start providers at once). */
async function withDirectoryLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, '.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await fsp.open(lock, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const stat = await fsp.stat(lock).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > LOCK_STALE_MS) {
        await fsp.rm(lock, { force: true }); // left behind by a process that died while holding it
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the TLS lock ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 50 + crypto.randomInt(100)));
    }
  }
  try {
    return await fn();
  } finally {
    await fsp.rm(lock, { force: true });
  }
}
