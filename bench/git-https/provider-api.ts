// The few provider API calls the benchmark and memory measurement make (user, repository, token),
// over HTTPS trusting the provider's CA only.
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as https from 'node:https';

function call(origin: string, ca: string, method: string, path: string, auth: string, body: unknown): Promise<{ status: number; json: any; text: string }> {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = https.request(
      `${origin}/api/v3${path}`,
      {
        method,
        ca,
        agent: false,
        headers: { ...(auth ? { authorization: auth } : {}), 'content-type': 'application/json', 'content-length': data.length, accept: 'application/vnd.github+json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let json: any;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json, text });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const basic = (login: string, password: string) => `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;

/**
 * Signs up `login`, creates `repos` (private) and a classic token with the `repo` scope; returns
 * the token (a secret: keep it out of logs).
 */
export async function setUpGitUser(origin: string, caCertPath: string, login: string, repos: string[]): Promise<{ token: string }> {
  const ca = await fsp.readFile(caCertPath, 'utf8');
  const password = `pw-${crypto.randomBytes(12).toString('hex')}`;
  const user = await call(origin, ca, 'POST', '/users', '', { login, email: `${login}@bench.invalid`, password });
  if (user.status !== 201) throw new Error(`sign-up failed: ${user.status} ${user.text}`);
  for (const name of repos) {
    const r = await call(origin, ca, 'POST', '/user/repos', basic(login, password), { name, private: true });
    if (r.status !== 201) throw new Error(`creating repository ${name} failed: ${r.status} ${r.text}`);
  }
  const t = await call(origin, ca, 'POST', '/user/personal-access-tokens', basic(login, password), { name: 'bench', scopes: ['repo'] });
  if (t.status !== 201 || typeof t.json?.token !== 'string') throw new Error(`creating the token failed: ${t.status}`);
  return { token: t.json.token };
}

export async function createRepository(origin: string, caCertPath: string, token: string, name: string): Promise<void> {
  const ca = await fsp.readFile(caCertPath, 'utf8');
  const r = await call(origin, ca, 'POST', '/user/repos', `token ${token}`, { name, private: true });
  if (r.status !== 201) throw new Error(`creating repository ${name} failed: ${r.status} ${r.text}`);
}
