// Tessera's git credential helper (bundled to dist/git-credential-helper.js; git runs it for
// Tessera's origins only, see git-config-env.ts). `get`: reads git's request from stdin, asks the
// extension host that started git (helper-server.ts, over the local socket named in the
// environment) and prints the username and password it answers, both at once. Any other action,
// or no answer: prints nothing, and git goes on as without it. Never prints to stderr what it got.
import * as http from 'node:http';
import { HANDLE_ENV, NONCE_ENV, NONCE_HEADER, type HelperAnswer, type HelperRequest } from './protocol';

function readStdin(): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', () => resolve(''));
  });
}

function ask(handle: string, nonce: string, request: HelperRequest): Promise<HelperAnswer> {
  return new Promise((resolve) => {
    const req = http.request({ socketPath: handle, path: '/get', method: 'POST', headers: { 'content-type': 'application/json', [NONCE_HEADER]: nonce } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as HelperAnswer) : {});
        } catch {
          resolve({});
        }
      });
    });
    req.on('error', () => resolve({}));
    req.end(JSON.stringify(request));
  });
}

async function main(): Promise<void> {
  const input = await readStdin();
  const handle = process.env[HANDLE_ENV];
  const nonce = process.env[NONCE_ENV];
  if (process.argv[2] !== 'get' || !handle || !nonce) return;
  const fields = new Map<string, string>();
  for (const line of input.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const protocol = fields.get('protocol');
  const host = fields.get('host');
  if (!protocol || !host) return;
  const answer = await ask(handle, nonce, { protocol, host, ...(fields.has('path') ? { path: fields.get('path')! } : {}) });
  if ('username' in answer && typeof answer.username === 'string' && typeof answer.password === 'string' && !/[\n\0]/.test(answer.username + answer.password)) {
    process.stdout.write(`username=${answer.username}\npassword=${answer.password}\n`);
  }
}

void main().finally(() => process.exit(0));
