// The local CA may vouch only for the names the provider serves: critical name constraints
// (localhost, 127.0.0.1, ::1 and a team server's names), path length 0, keyCertSign/cRLSign only.
// Whoever gets a certificate signed by it for another name — or a CA bundle that merges it in —
// gets nothing: Node's TLS (OpenSSL) refuses that certificate. An unconstrained CA left in a data
// folder by an older version is replaced at start, and the server certificate with it.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { NameConstraints } from '@peculiar/asn1-x509';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { ensureLocalCa, LOCAL_CA_FILES } from '../../src/provider/tls/local-ca';
import { ipv6Bytes } from '../../src/provider/tls/name-constraints';

x509.cryptoProvider.set(crypto.webcrypto);
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** The CA's permitted subtrees as `dns:NAME` / `ip:ADDR/BITS`, and whether it excludes any. */
function permitted(caPem: string): { critical: boolean; names: string[]; excluded: boolean } {
  const ca = new x509.X509Certificate(caPem);
  const ext = ca.extensions.find((e) => e.type === '2.5.29.30');
  assert.ok(ext, 'the CA has a NameConstraints extension');
  const nc = AsnConvert.parse(ext.value, NameConstraints);
  const names = Array.from(nc.permittedSubtrees ?? []).map((s) => (s.base.dNSName !== undefined ? `dns:${s.base.dNSName}` : `ip:${s.base.iPAddress}`));
  return { critical: ext.critical, names, excluded: !!nc.excludedSubtrees?.length };
}

/** A server certificate for `san`, signed with the CA key in `tlsDir` (as anyone holding it could). */
async function leafSignedByCa(tlsDir: string, san: { type: 'dns' | 'ip'; value: string }[]): Promise<{ cert: string; key: string }> {
  const caPem = await fsp.readFile(path.join(tlsDir, LOCAL_CA_FILES.caCert), 'utf8');
  const caKeyPem = await fsp.readFile(path.join(tlsDir, LOCAL_CA_FILES.caKey), 'utf8');
  const caCert = new x509.X509Certificate(caPem);
  const signingKey = await crypto.webcrypto.subtle.importKey('pkcs8', crypto.createPrivateKey(caKeyPem).export({ type: 'pkcs8', format: 'der' }), EC, false, ['sign']);
  const keys = (await crypto.webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as crypto.webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '01' + crypto.randomBytes(8).toString('hex'),
    subject: san[0].type === 'dns' ? `CN=${san[0].value}` : 'CN=Tessera test server',
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - 3_600_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: EC,
    publicKey: keys.publicKey,
    signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(san, false),
    ],
  });
  return { cert: cert.toString('pem'), key: crypto.KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string };
}

/** Connects with TLS trusting only `caPem`: 'ok' or the verification error's code. */
async function connectTrusting(caPem: string, leaf: { cert: string; key: string }, servername: string): Promise<string> {
  const server = https.createServer({ cert: leaf.cert, key: leaf.key }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    return await new Promise<string>((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port, ca: caPem, servername: isAddress(servername) ? undefined : servername, checkServerIdentity: () => undefined });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve('ok');
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(`${String(err.code)}: ${err.message}`));
    });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function isAddress(name: string): boolean {
  return /^[\d.]+$/.test(name) || name.includes(':');
}

describe('local CA name constraints', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'tessera-ca-nc-'));
  });
  afterEach(async () => {
    await fsp.rm(dataDir, { recursive: true, force: true });
  });

  it('is a CA for servers only, constrained to localhost, 127.0.0.1 and ::1', async () => {
    const ca = await ensureLocalCa(dataDir);
    const caX = new x509.X509Certificate(ca.caCertPem);
    const bc = caX.getExtension(x509.BasicConstraintsExtension);
    assert.ok(bc && bc.ca && bc.critical);
    assert.equal(bc.pathLength, 0);
    const ku = caX.getExtension(x509.KeyUsagesExtension);
    assert.ok(ku?.critical);
    assert.equal(ku.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    assert.deepEqual(permitted(ca.caCertPem), { critical: true, names: ['dns:localhost', 'ip:127.0.0.1/32', 'ip:::1/128'], excluded: false });
    const days = (caX.notAfter.getTime() - Date.now()) / 86_400_000;
    assert.ok(days <= 1095, `the CA lives at most three years, not ${days} days`);
  });

  it('a certificate it signs for another name is refused by TLS verification; its own names pass', async () => {
    const ca = await ensureLocalCa(dataDir);
    const tlsDir = path.dirname(ca.caCertPath);
    const attacker = await leafSignedByCa(tlsDir, [{ type: 'dns', value: 'attacker.example' }]);
    assert.match(await connectTrusting(ca.caCertPem, attacker, 'attacker.example'), /PERMITTED_SUBTREE_VIOLATION|subtree/i);
    const otherIp = await leafSignedByCa(tlsDir, [{ type: 'ip', value: '10.1.2.3' }]);
    assert.match(await connectTrusting(ca.caCertPem, otherIp, '10.1.2.3'), /PERMITTED_SUBTREE_VIOLATION|subtree/i);
    const loopback = await leafSignedByCa(tlsDir, [{ type: 'ip', value: '127.0.0.1' }]);
    assert.equal(await connectTrusting(ca.caCertPem, loopback, '127.0.0.1'), 'ok');
    // And the provider's own server certificate.
    assert.equal(await connectTrusting(ca.caCertPem, { cert: ca.certPem, key: ca.keyPem }, 'localhost'), 'ok');
  });

  it('replaces an unconstrained CA left in the data folder, and the server certificate with it', async () => {
    const tlsDir = path.join(dataDir, 'tls');
    await fsp.mkdir(tlsDir, { recursive: true, mode: 0o700 });
    // What an older version made: CA:TRUE for ten years, no name constraints.
    const keys = (await crypto.webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as crypto.webcrypto.CryptoKeyPair;
    const old = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=Tessera local CA old, O=Tessera',
      notBefore: new Date(Date.now() - 3_600_000),
      notAfter: new Date(Date.now() + 3650 * 86_400_000),
      signingAlgorithm: EC,
      keys,
      extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
    });
    const oldPem = old.toString('pem') + '\n';
    await fsp.writeFile(path.join(tlsDir, LOCAL_CA_FILES.caCert), oldPem);
    await fsp.writeFile(path.join(tlsDir, LOCAL_CA_FILES.caKey), crypto.KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    const oldLeaf = await leafSignedByCa(tlsDir, [{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }, { type: 'ip', value: '::1' }]);
    await fsp.writeFile(path.join(tlsDir, LOCAL_CA_FILES.serverCert), oldLeaf.cert);
    await fsp.writeFile(path.join(tlsDir, LOCAL_CA_FILES.serverKey), oldLeaf.key, { mode: 0o600 });

    const ca = await ensureLocalCa(dataDir);
    assert.notEqual(ca.caCertPem, oldPem, 'a new CA');
    assert.equal(await fsp.readFile(ca.caCertPath, 'utf8'), ca.caCertPem, 'in the same file git is pointed at');
    assert.equal(permitted(ca.caCertPem).critical, true);
    assert.notEqual(ca.certPem, oldLeaf.cert, 'a new server certificate');
    assert.ok(new crypto.X509Certificate(ca.certPem).checkIssued(new crypto.X509Certificate(ca.caCertPem)));
    assert.equal(await connectTrusting(ca.caCertPem, { cert: ca.certPem, key: ca.keyPem }, '127.0.0.1'), 'ok');
    // Constrained now: the next start keeps it.
    assert.equal((await ensureLocalCa(dataDir)).caCertPem, ca.caCertPem);
  });

  it('covers exactly the names a team server is given, and is replaced when they change', async () => {
    const team = await ensureLocalCa(dataDir, ['Tessera.Team.Example', '10.1.2.3', 'fd00::5']);
    assert.deepEqual(permitted(team.caCertPem).names, [
      'dns:localhost',
      'dns:tessera.team.example',
      'ip:127.0.0.1/32',
      'ip:::1/128',
      'ip:10.1.2.3/32',
      'ip:fd00::5/128',
    ]);
    const leaf = new crypto.X509Certificate(team.certPem);
    assert.equal(leaf.checkHost('tessera.team.example'), 'tessera.team.example');
    assert.ok(leaf.checkIP('10.1.2.3'));
    assert.equal(await connectTrusting(team.caCertPem, { cert: team.certPem, key: team.keyPem }, 'tessera.team.example'), 'ok');
    assert.equal((await ensureLocalCa(dataDir, ['10.1.2.3', 'fd00::5', 'tessera.team.example'])).caCertPem, team.caCertPem, 'same names, same CA');
    const local = await ensureLocalCa(dataDir);
    assert.notEqual(local.caCertPem, team.caCertPem, 'a name dropped: a new CA that no longer vouches for it');
    assert.deepEqual(permitted(local.caCertPem).names, ['dns:localhost', 'ip:127.0.0.1/32', 'ip:::1/128']);
  });

  it('encodes IPv6 addresses as their 16 bytes', () => {
    assert.deepEqual(ipv6Bytes('::1'), [...Array(15).fill(0), 1]);
    assert.deepEqual(ipv6Bytes('fd00::5'), [0xfd, 0, ...Array(13).fill(0), 5]);
    assert.deepEqual(ipv6Bytes('2001:db8:0:0:1:0:0:1'), [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual(ipv6Bytes('::ffff:10.0.0.1'), [...Array(10).fill(0), 0xff, 0xff, 10, 0, 0, 1]);
  });
});
