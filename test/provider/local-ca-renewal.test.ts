// A running provider with the local CA (--tls auto) renews its server certificate when it comes
// due (within 30 days of expiry), not only at start: a team server may run for longer than that.
// The new certificate is written to the data folder and served to the connections that follow.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { DAY } from '../../src/provider/clock';
import { ensureLocalCa, LOCAL_CA_FILES } from '../../src/provider/tls/local-ca';
import { withStartupLock } from '../../src/provider/tls/startup-lock';
import { startTestProvider, type TestProvider } from './helpers/provider';

/** The certificate the server at `url` presents to a new connection (not verified: only read). */
async function servedCertificate(url: string): Promise<crypto.X509Certificate> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.destroy();
      resolve(new crypto.X509Certificate(raw));
    });
    socket.once('error', reject);
  });
}

describe('local CA: renewal while the provider runs', function () {
  this.timeout(60_000);
  let dataDir: string;
  let t: TestProvider | undefined;
  beforeEach(async () => {
    dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'tessera-ca-renew-'));
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    await fsp.rm(dataDir, { recursive: true, force: true });
  });

  it('a server certificate that comes due is renewed, written to the data folder and served to new connections', async () => {
    t = await startTestProvider({ dataDir, tls: 'auto', certificateCheckIntervalMs: 50 });
    const first = await servedCertificate(t.provider.url);
    assert.equal((await servedCertificate(t.provider.url)).serialNumber, first.serialNumber, 'not renewed while it is not due');

    // 800 days on: the certificate (825 days) expires within the 30 days before which it is renewed.
    t.clock.advance(800 * DAY);
    let renewed: crypto.X509Certificate | undefined;
    while (!renewed) {
      const served = await servedCertificate(t.provider.url);
      if (served.serialNumber !== first.serialNumber) renewed = served;
      else await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(Date.parse(renewed.validTo) > Date.parse(first.validTo), `valid for longer: ${renewed.validTo}`);
    const tlsDir = path.join(dataDir, 'tls');
    const ca = new crypto.X509Certificate(await fsp.readFile(path.join(tlsDir, LOCAL_CA_FILES.caCert)));
    assert.ok(renewed.checkIssued(ca) && renewed.verify(ca.publicKey), 'issued by the CA clients trust');
    assert.equal(new crypto.X509Certificate(await fsp.readFile(path.join(tlsDir, LOCAL_CA_FILES.serverCert))).serialNumber, renewed.serialNumber, 'the one in the data folder');
    assert.ok(renewed.checkHost('localhost') && renewed.checkIP('127.0.0.1') && renewed.checkIP('::1'), 'for the same names');
  });

  it('a CA and certificate another process renewed on the data folder are reread and served, not renewed again on top', async () => {
    // Checked twice a day only: what it serves next comes from the files changing.
    t = await startTestProvider({ dataDir, tls: 'auto' });
    const first = await servedCertificate(t.provider.url);
    const tlsDir = path.join(dataDir, 'tls');
    // Another process (a replica, a command) renews both on the same folder: a new CA, a new certificate.
    // Made aside, then moved in under the folder's lock, as a renewal writes them.
    const aside = path.join(dataDir, 'aside');
    const other = await ensureLocalCa(aside);
    await withStartupLock(path.join(tlsDir, '.lock'), 'renewing in another process', async () => {
      for (const file of Object.values(LOCAL_CA_FILES)) await fsp.rename(path.join(aside, 'tls', file), path.join(tlsDir, file));
    });
    const written = new crypto.X509Certificate(other.certPem);
    assert.notEqual(written.serialNumber, first.serialNumber);
    let served = first;
    while (served.serialNumber !== written.serialNumber) {
      await new Promise((r) => setTimeout(r, 50));
      served = await servedCertificate(t.provider.url);
    }
    assert.ok(served.verify(new crypto.X509Certificate(other.caCertPem).publicKey), 'issued by the CA now in the data folder');
    assert.equal(await fsp.readFile(path.join(tlsDir, LOCAL_CA_FILES.caCert), 'utf8'), other.caCertPem, 'the CA the other process made stays');
    assert.equal(await fsp.readFile(path.join(tlsDir, LOCAL_CA_FILES.serverCert), 'utf8'), other.certPem, 'not renewed again on top');
    for (const file of Object.values(LOCAL_CA_FILES)) assert.equal((await fsp.stat(path.join(tlsDir, file))).mode & 0o777, 0o600, file);
    assert.equal((await fsp.stat(tlsDir)).mode & 0o777, 0o700);
  });
});
