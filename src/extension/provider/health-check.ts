// Identifies what listens on a loopback port: a Tessera provider whose certificate our CA verifies
// (one of our windows runs it), a Tessera provider with another CA (another profile or a
// standalone `tessera serve`), something else, or nothing. `GET /-/health` answers
// `{service: 'tessera', version, status: 'ok'}`.
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';

export type HealthResult =
  | { readonly kind: 'tessera'; readonly trusted: boolean; readonly version?: string }
  | { readonly kind: 'other'; readonly detail: string }
  | { readonly kind: 'down'; readonly detail: string };

const MAX_BODY = 4096;

export function checkHealth(host: string, port: number, caPem: string | undefined, timeoutMs = 1500): Promise<HealthResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: HealthResult) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const req = https.request(
      {
        host,
        port,
        path: '/-/health',
        method: 'GET',
        agent: false,
        // Verified below through `socket.authorized`, so that an untrusted Tessera can be named.
        rejectUnauthorized: false,
        ...(caPem ? { ca: caPem } : {}),
        timeout: timeoutMs,
        headers: { accept: 'application/json', 'user-agent': 'Tessera-VSCode-health' },
      },
      (res) => {
        const authorized = (res.socket as TLSSocket).authorized === true;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body.length > MAX_BODY) {
            req.destroy();
            done({ kind: 'other', detail: 'answers /-/health with something that is not Tessera' });
          }
        });
        res.on('end', () => {
          try {
            const v = JSON.parse(body) as { service?: unknown; version?: unknown };
            if (res.statusCode === 200 && v && v.service === 'tessera') {
              done({ kind: 'tessera', trusted: authorized && !!caPem, ...(typeof v.version === 'string' ? { version: v.version } : {}) });
              return;
            }
          } catch {
            // not JSON
          }
          done({ kind: 'other', detail: `answers HTTPS but is not a Tessera provider (HTTP ${res.statusCode})` });
        });
        res.on('error', () => done({ kind: 'other', detail: 'closed the connection' }));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      done({ kind: 'other', detail: `does not answer within ${timeoutMs} ms` });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' || err.code === 'EADDRNOTAVAIL') done({ kind: 'down', detail: err.code });
      else if (err.code === 'ECONNRESET' || err.code === 'EPROTO' || /SSL|TLS|wrong version/i.test(`${err.code} ${err.message}`)) {
        done({ kind: 'other', detail: 'does not speak HTTPS' });
      } else done({ kind: 'other', detail: err.code ?? err.message });
    });
    req.end();
  });
}
