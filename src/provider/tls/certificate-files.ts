// `tls: { certFile, keyFile }` (`tessera serve --tls-cert FILE --tls-key FILE`): both files read
// and checked before the provider makes anything, so a missing file, a swapped pair or a key that
// is not the certificate's is a message naming the file and its flag — not OpenSSL's "PEM
// routines::no start line" once the data folder, its database and its data key exist. Messages
// never quote the files' content.
import * as crypto from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** The certificate (chain) and private key, PEM, for Node's HTTPS server. */
export async function readCertificateFiles(files: { certFile: string; keyFile: string }): Promise<{ cert: string; key: string }> {
  const cert = await readNamed(files.certFile, '--tls-cert');
  const key = await readNamed(files.keyFile, '--tls-key');
  let certificate: crypto.X509Certificate;
  try {
    certificate = new crypto.X509Certificate(cert);
  } catch {
    throw new Error(`--tls-cert ${files.certFile} holds no PEM certificate`);
  }
  let privateKey: crypto.KeyObject;
  try {
    privateKey = crypto.createPrivateKey(key);
  } catch {
    const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(key);
    throw new Error(`--tls-key ${files.keyFile} ${encrypted ? 'is encrypted: give the key without its passphrase' : 'holds no private key'}`);
  }
  if (privateKey.type !== 'private' || !certificate.checkPrivateKey(privateKey)) {
    throw new Error(`the key in ${files.keyFile} (--tls-key) is not the private key of the certificate in ${files.certFile} (--tls-cert)`);
  }
  return { cert, key };
}

async function readNamed(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`${flag} ${file}: ${(err as Error).message}`);
  }
}
