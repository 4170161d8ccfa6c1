import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureLocalCa, LOCAL_CA_FILES } from '../../src/provider/tls/local-ca';

x509.cryptoProvider.set(crypto.webcrypto);

function get(
  port: number,
  host: string,
  options: https.RequestOptions,
): Promise<{ status: number; body: string; authorized: boolean }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host, port, path: '/', agent: false, ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, authorized: (res.socket as import('node:tls').TLSSocket).authorized }));
    });
    req.on('error', reject);
  });
}

async function mode(file: string): Promise<number> {
  return (await fsp.stat(file)).mode & 0o777;
}

describe('local CA (--tls auto)', () => {
  let dataDir: string;
  let server: https.Server | undefined;

  beforeEach(async () => {
    dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'tessera-tls-'));
  });
  afterEach(async () => {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    await fsp.rm(dataDir, { recursive: true, force: true });
  });

  async function serve(certPem: string, keyPem: string): Promise<number> {
    server = https.createServer({ cert: certPem, key: keyPem }, (_req, res) => res.end('hello over tls'));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    return (server.address() as AddressInfo).port;
  }

  it('makes a CA and a server certificate that a client trusting only that CA accepts', async () => {
    const ca = await ensureLocalCa(dataDir);
    assert.ok(path.isAbsolute(ca.caCertPath), 'caCertPath is absolute');
    assert.equal(ca.caCertPath, path.join(dataDir, 'tls', 'ca.pem'));
    assert.equal(await fsp.readFile(ca.caCertPath, 'utf8'), ca.caCertPem);

    const port = await serve(ca.certPem, ca.keyPem);
    const ok = await get(port, '127.0.0.1', { ca: ca.caCertPem });
    assert.equal(ok.status, 200);
    assert.equal(ok.body, 'hello over tls');
    assert.equal(ok.authorized, true);
    // The same certificate is valid for the name localhost (SNI + hostname check).
    const byName = await get(port, '127.0.0.1', { ca: ca.caCertPem, servername: 'localhost' });
    assert.equal(byName.status, 200);
  });

  it('is refused by a client that does not trust the CA', async () => {
    const ca = await ensureLocalCa(dataDir);
    const port = await serve(ca.certPem, ca.keyPem);
    // Default trust (the system bundle): the local CA is not in it.
    await assert.rejects(get(port, '127.0.0.1', {}), (err: NodeJS.ErrnoException) => {
      assert.match(String(err.code), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED/);
      return true;
    });
    // Trusting another local CA (another data folder's) does not help either.
    const otherDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'tessera-tls-other-'));
    try {
      const other = await ensureLocalCa(otherDir);
      assert.notEqual(other.caCertPem, ca.caCertPem);
      await assert.rejects(get(port, '127.0.0.1', { ca: other.caCertPem }), /unable to verify|self-signed|certificate/i);
    } finally {
      await fsp.rm(otherDir, { recursive: true, force: true });
    }
  });

  it('has the right extensions: CA with keyCertSign; server for 127.0.0.1, ::1, localhost with serverAuth', async () => {
    const ca = await ensureLocalCa(dataDir);
    const caCert = new crypto.X509Certificate(ca.caCertPem);
    const leaf = new crypto.X509Certificate(ca.certPem);
    assert.equal(caCert.ca, true);
    assert.equal(leaf.ca, false);
    assert.ok(leaf.checkIssued(caCert) && leaf.verify(caCert.publicKey));
    assert.ok(leaf.checkIP('127.0.0.1'));
    assert.ok(leaf.checkIP('::1'));
    assert.equal(leaf.checkHost('localhost'), 'localhost');
    assert.equal(leaf.checkHost('example.com'), undefined);
    assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.1']); // node reports the EKU here: serverAuth
    const caX = new x509.X509Certificate(ca.caCertPem);
    const ku = caX.getExtension(x509.KeyUsagesExtension);
    assert.ok(ku && ku.usages & x509.KeyUsageFlags.keyCertSign);
    const days = (Date.parse(leaf.validTo) - Date.now()) / 86_400_000;
    assert.ok(days > 800 && days <= 825, `leaf valid ~825 days, got ${days}`);
    const caDays = (Date.parse(caCert.validTo) - Date.now()) / 86_400_000;
    assert.ok(caDays > 1090 && caDays <= 1095, `CA valid ~3 years, got ${caDays}`);
  });

  it('writes private keys 0600 in a 0700 folder and reuses everything on the next call', async () => {
    const first = await ensureLocalCa(dataDir);
    const dir = path.join(dataDir, 'tls');
    assert.equal(await mode(dir), 0o700);
    assert.equal(await mode(path.join(dir, LOCAL_CA_FILES.caKey)), 0o600);
    assert.equal(await mode(path.join(dir, LOCAL_CA_FILES.serverKey)), 0o600);
    assert.deepEqual((await fsp.readdir(dir)).sort(), ['ca-key.pem', 'ca.pem', 'server-key.pem', 'server.pem']);

    const second = await ensureLocalCa(dataDir);
    assert.deepEqual(second, first);

    // A widened key file is narrowed back.
    await fsp.chmod(path.join(dir, LOCAL_CA_FILES.serverKey), 0o644);
    const third = await ensureLocalCa(dataDir);
    assert.deepEqual(third, first);
    assert.equal(await mode(path.join(dir, LOCAL_CA_FILES.serverKey)), 0o600);
  });

  it('reuses its certificates without loading @peculiar/x509, which only making them needs', async () => {
    const first = await ensureLocalCa(dataDir);
    // A fresh process, as a provider restarting on the same data folder.
    const script = `
      const { ensureLocalCa } = require(${JSON.stringify(require.resolve('../../src/provider/tls/local-ca'))});
      ensureLocalCa(${JSON.stringify(dataDir)}).then((ca) => {
        const loaded = Object.keys(require.cache).filter((f) => f.includes('@peculiar'));
        process.stdout.write(JSON.stringify({ certPem: ca.certPem, loaded }));
      });`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    const out = JSON.parse(child.stdout) as { certPem: string; loaded: string[] };
    assert.equal(out.certPem, first.certPem, 'the same server certificate');
    assert.deepEqual(out.loaded, []);
  });

  it('concurrent first calls agree on one CA', async () => {
    const results = await Promise.all([ensureLocalCa(dataDir), ensureLocalCa(dataDir), ensureLocalCa(dataDir)]);
    assert.deepEqual(results[1], results[0]);
    assert.deepEqual(results[2], results[0]);
  });

  it('renews a server certificate that expires within 30 days, keeping the CA', async () => {
    const first = await ensureLocalCa(dataDir);
    const dir = path.join(dataDir, 'tls');
    // Re-issue the server certificate from the same CA so it expires in 10 days.
    const caKey = crypto.createPrivateKey(await fsp.readFile(path.join(dir, LOCAL_CA_FILES.caKey), 'utf8'));
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const signingKey = await crypto.webcrypto.subtle.importKey('pkcs8', caKey.export({ type: 'pkcs8', format: 'der' }), alg, false, ['sign']);
    const leafKey = crypto.createPrivateKey(first.keyPem);
    const publicKey = await crypto.webcrypto.subtle.importKey(
      'spki',
      crypto.createPublicKey(leafKey).export({ type: 'spki', format: 'der' }),
      alg,
      true,
      ['verify'],
    );
    const soon = await x509.X509CertificateGenerator.create({
      serialNumber: '0badc0de',
      subject: 'CN=localhost',
      issuer: new x509.X509Certificate(first.caCertPem).subject,
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 10 * 86_400_000),
      signingAlgorithm: alg,
      publicKey,
      signingKey,
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }, { type: 'ip', value: '::1' }])],
    });
    await fsp.writeFile(path.join(dir, LOCAL_CA_FILES.serverCert), soon.toString('pem'));
    assert.ok(new crypto.X509Certificate(soon.toString('pem')).checkIssued(new crypto.X509Certificate(first.caCertPem)));

    const renewed = await ensureLocalCa(dataDir);
    assert.equal(renewed.caCertPem, first.caCertPem, 'the CA is kept');
    assert.notEqual(renewed.certPem, soon.toString('pem'));
    assert.notEqual(renewed.keyPem, first.keyPem, 'a new server key');
    const leaf = new crypto.X509Certificate(renewed.certPem);
    assert.ok((Date.parse(leaf.validTo) - Date.now()) / 86_400_000 > 800);
    const port = await serve(renewed.certPem, renewed.keyPem);
    assert.equal((await get(port, '127.0.0.1', { ca: first.caCertPem })).status, 200);
  });

  it('replaces a server certificate that does not match its key or was issued by another CA', async () => {
    const first = await ensureLocalCa(dataDir);
    const dir = path.join(dataDir, 'tls');
    const otherDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'tessera-tls-other-'));
    try {
      const other = await ensureLocalCa(otherDir);
      await fsp.writeFile(path.join(dir, LOCAL_CA_FILES.serverCert), other.certPem);
      await fsp.writeFile(path.join(dir, LOCAL_CA_FILES.serverKey), other.keyPem);
      const fixed = await ensureLocalCa(dataDir);
      assert.equal(fixed.caCertPem, first.caCertPem);
      assert.notEqual(fixed.certPem, other.certPem);
      assert.ok(new crypto.X509Certificate(fixed.certPem).checkIssued(new crypto.X509Certificate(first.caCertPem)));
      // A corrupt key: replaced as well.
      await fsp.writeFile(path.join(dir, LOCAL_CA_FILES.serverKey), 'not a key');
      const again = await ensureLocalCa(dataDir);
      assert.equal(again.caCertPem, first.caCertPem);
      assert.notEqual(again.keyPem, 'not a key');
      assert.equal(await mode(path.join(dir, LOCAL_CA_FILES.serverKey)), 0o600);
      const port = await serve(again.certPem, again.keyPem);
      assert.equal((await get(port, '127.0.0.1', { ca: first.caCertPem })).status, 200);
    } finally {
      await fsp.rm(otherDir, { recursive: true, force: true });
    }
  });
});
