// A local certificate authority for `--tls auto`: on first start it makes a CA and a server
// certificate for 127.0.0.1, ::1 and localhost (and the names a team server is given) under
// `${dataDir}/tls/`, and reuses them on later starts (the server certificate is renewed when it
// expires within 30 days; a running provider checks again twice a day: ./certificate-renewal.ts). The CA may vouch for those names only (critical name constraints,
// ./name-constraints.ts): a CA without them, or with other names, is replaced at start, and the
// server certificate with it. Git and the extension trust the CA through `http.sslCAInfo` (the
// same file, whose content then changes).
//
// Checking existing files needs only node:crypto. Making certificates needs @peculiar/x509
// (./certificate-issuer.ts), which is loaded only then, so a provider that reuses its
// certificates, or runs without TLS, never loads it: the provider loads faster without it, and a
// process that has loaded it answers HTTP requests more slowly.
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ensurePrivateDirSync, PRIVATE_FILE_MODE } from '../secrets/private-files';
import type * as CertificateIssuer from './certificate-issuer';
import type { IssuingCa } from './certificate-issuer';
import { BACKDATE_MS, certificateNames, RENEW_BEFORE_MS } from './certificate-profile';
import type { Logger } from '../logger';
import { hasNameConstraints, PermittedNames } from './name-constraints';
import { withStartupLock } from './startup-lock';
import { TLS_FOLDER } from '../data-folder-names';

export interface LocalCa {
  /** Absolute path of the CA certificate (PEM) that clients should trust. */
  caCertPath: string;
  caCertPem: string;
  /** The server certificate (PEM) for 127.0.0.1, ::1, localhost and the extra names, signed by the CA. */
  certPem: string;
  /** The server certificate's private key (PKCS#8 PEM). */
  keyPem: string;
}

export const LOCAL_CA_FILES = {
  caCert: 'ca.pem',
  caKey: 'ca-key.pem',
  serverCert: 'server.pem',
  serverKey: 'server-key.pem',
} as const;

/** ./certificate-issuer.ts (and @peculiar/x509), loaded the first time a certificate is made. */
function certificateIssuer(): typeof CertificateIssuer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./certificate-issuer') as typeof CertificateIssuer;
}

/**
 * Makes (first call) or reuses (later calls) the local CA and server certificate in
 * `${dataDir}/tls/`, for the loopback names and `extraNames` (host names or IP addresses). Safe
 * against several processes starting at once (the lock file `tls/.lock`, ./startup-lock.ts);
 * `log` hears at once what a start waits for. `now`: the time the certificates are checked and made at.
 */
export async function ensureLocalCa(dataDir: string, extraNames: readonly string[] = [], log?: Logger, now = Date.now()): Promise<LocalCa> {
  const names = certificateNames(extraNames);
  const dir = path.resolve(dataDir, TLS_FOLDER);
  ensurePrivateDirSync(dir);
  return withStartupLock(path.join(dir, '.lock'), 'making or checking the local CA', async () => {
    const files = {
      caCert: path.join(dir, LOCAL_CA_FILES.caCert),
      caKey: path.join(dir, LOCAL_CA_FILES.caKey),
      serverCert: path.join(dir, LOCAL_CA_FILES.serverCert),
      serverKey: path.join(dir, LOCAL_CA_FILES.serverKey),
    };

    let ca: IssuingCa | undefined = await loadCa(files.caCert, files.caKey, now, names);
    let caIsNew = false;
    if (!ca) {
      ca = await certificateIssuer().createCa(now, names);
      await writeFileAtomic(files.caKey, ca.keyPem);
      await writeFileAtomic(files.caCert, ca.certPem);
      caIsNew = true;
    }

    let server = caIsNew ? undefined : await loadServer(files.serverCert, files.serverKey, ca.cert, now, names);
    if (!server) {
      server = await certificateIssuer().createServerCertificate(ca, now, names);
      await writeFileAtomic(files.serverKey, server.keyPem);
      await writeFileAtomic(files.serverCert, server.certPem);
    }
    // Repair modes of files that were already there (a copy or a restore may have widened them).
    for (const file of Object.values(files)) await fsp.chmod(file, PRIVATE_FILE_MODE);

    return { caCertPath: files.caCert, caCertPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem };
  }, log);
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
  return Number.isFinite(from) && Number.isFinite(to) && from <= now + BACKDATE_MS && to > now + RENEW_BEFORE_MS;
}

function isP256(key: crypto.KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

/**
 * The existing CA if it is complete, consistent, a CA, ECDSA P-256, not near expiry, and
 * constrained to exactly `names`.
 */
async function loadCa(certFile: string, keyFile: string, now: number, names: PermittedNames): Promise<IssuingCa | undefined> {
  const [certPem, keyPem] = await Promise.all([readIfExists(certFile), readIfExists(keyFile)]);
  if (certPem === undefined || keyPem === undefined) return undefined;
  try {
    const cert = new crypto.X509Certificate(certPem);
    const key = crypto.createPrivateKey(keyPem);
    if (!cert.ca || !isP256(key) || !cert.checkPrivateKey(key) || !stillValid(cert, now) || !hasNameConstraints(cert, names)) return undefined;
    return { cert, certPem, keyPem, key };
  } catch {
    return undefined; // unreadable: make a new one
  }
}

/** The existing server certificate if it is issued by `ca`, covers `names` and is not near expiry. */
async function loadServer(
  certFile: string,
  keyFile: string,
  ca: crypto.X509Certificate,
  now: number,
  names: PermittedNames,
): Promise<{ certPem: string; keyPem: string } | undefined> {
  const [certPem, keyPem] = await Promise.all([readIfExists(certFile), readIfExists(keyFile)]);
  if (certPem === undefined || keyPem === undefined) return undefined;
  try {
    const cert = new crypto.X509Certificate(certPem);
    const key = crypto.createPrivateKey(keyPem);
    if (!cert.checkPrivateKey(key) || !cert.checkIssued(ca) || !cert.verify(ca.publicKey) || !stillValid(cert, now)) {
      return undefined;
    }
    if (!names.ips.every((ip) => cert.checkIP(ip)) || !names.dns.every((host) => cert.checkHost(host))) return undefined;
    return { certPem, keyPem };
  } catch {
    return undefined;
  }
}

/** Writes through a temporary file created 0600, then renames, so readers never see half a key. */
async function writeFileAtomic(file: string, content: string): Promise<void> {
  const mode = PRIVATE_FILE_MODE;
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
