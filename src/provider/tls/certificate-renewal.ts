// A running provider with `--tls auto` keeps its server certificate current: ./local-ca.ts renews
// the certificate (and the CA) at start when it expires within 30 days, but a team server may run
// for longer than that. So the check runs again every `intervalMs` (on the provider's clock), and
// a certificate it renewed goes into the server's TLS context, for the connections that follow.
// Another process may renew them first (a replica or a command on the same data folder): the
// check runs too as soon as a file in tls/ changes, so the server rereads what that one wrote
// (under the folder's lock, ./local-ca.ts: one renewal wins, the others read it) instead of
// serving a certificate of a CA clients no longer get until its next check, half a day later.
import { watch, type FSWatcher } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import * as path from 'node:path';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { TLS_FOLDER } from '../data-folder-names';
import { ensureLocalCa, LOCAL_CA_FILES } from './local-ca';

/** Twice a day: far inside the 30 days before expiry in which a certificate is renewed. */
export const DEFAULT_CERTIFICATE_CHECK_INTERVAL_MS = 12 * 60 * 60 * 1000;

export interface CertificateRenewal {
  stop(): Promise<void>;
}

export function startCertificateRenewal(
  server: HttpsServer,
  opts: { dataDir: string; names: readonly string[]; certPem: string; clock: Clock; log: Logger; intervalMs: number },
): CertificateRenewal {
  let current = opts.certPem;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const check = async () => {
    const ca = await ensureLocalCa(opts.dataDir, opts.names, opts.log, opts.clock.now().getTime());
    if (stopped || ca.certPem === current) return;
    server.setSecureContext({ cert: ca.certPem, key: ca.keyPem });
    current = ca.certPem;
    opts.log('info', `the server certificate in ${path.dirname(ca.caCertPath)} was renewed; new connections get it`);
  };
  let queued = false;
  const checkSoon = () => {
    if (stopped || queued) return;
    queued = true; // one check waiting is enough: it reads the files as they are when it runs
    running = running
      .then(() => {
        queued = false;
        return check();
      })
      .catch((err) => opts.log('error', `renewing the server certificate: ${(err as Error).message}`));
  };
  const timer = setInterval(checkSoon, Math.max(10, opts.intervalMs));
  timer.unref();
  const watched = new Set<string>([LOCAL_CA_FILES.caCert, LOCAL_CA_FILES.serverCert]);
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(path.join(opts.dataDir, TLS_FOLDER), { persistent: false }, (_event, file) => {
      if (file === null || watched.has(file.toString())) checkSoon();
    });
    watcher.on('error', () => watcher?.close()); // the folder gone: the timed check goes on
  } catch (err) {
    opts.log('warn', `not watching the local CA's folder for renewals by other processes (checked every ${Math.round(opts.intervalMs / 60_000)} min instead): ${(err as Error).message}`);
  }
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      watcher?.close();
      await running;
    },
  };
}
