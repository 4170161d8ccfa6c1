// A running provider with `--tls auto` keeps its server certificate current: ./local-ca.ts renews
// the certificate (and the CA) at start when it expires within 30 days, but a team server may run
// for longer than that. So the check runs again every `intervalMs` (on the provider's clock), and
// a certificate it renewed goes into the server's TLS context, for the connections that follow.
import type { Server as HttpsServer } from 'node:https';
import * as path from 'node:path';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { ensureLocalCa } from './local-ca';

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
  const timer = setInterval(() => {
    if (!stopped) running = running.then(check).catch((err) => opts.log('error', `renewing the server certificate: ${(err as Error).message}`));
  }, Math.max(10, opts.intervalMs));
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
