// The extension host's side of Tessera's git credential helper (helper-main.ts): a local HTTP
// server on a Unix socket in a folder only this user can open (a named pipe on Windows), that
// answers only requests carrying this window's nonce, which only processes started from this
// extension host inherit. git asks it for the username and password at once, per request, with the
// repository path: vscode.git's askpass instead asks for the username, keeps the answer by host, and
// hands it out for the next password question, so two pushes to one host could swap tokens there.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { HANDLE_ENV, NONCE_ENV, NONCE_HEADER, requestUrl, type HelperAnswer, type HelperRequest } from './protocol';

const MAX_BODY = 64 * 1024;

export interface RunningHelper {
  /** The credential.helper value: a shell command git runs with the action appended. */
  readonly command: string;
  /** What git's processes must inherit to reach this server. */
  readonly env: Readonly<Record<string, string>>;
}

/** Quotes a word for the POSIX shell git runs helper commands with. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export class CredentialHelperServer {
  private server: http.Server | undefined;
  private dir: string | undefined;
  private readonly nonce = randomBytes(32).toString('hex');

  /** `answer` gets the URL git asks about (with the repository path) and answers its credentials. */
  constructor(
    private readonly helperScript: string,
    private readonly answer: (url: string) => Promise<{ username: string; password: string } | undefined>,
    private readonly warn: (message: string) => void,
  ) {}

  async start(): Promise<RunningHelper> {
    let handle: string;
    if (process.platform === 'win32') handle = `\\\\.\\pipe\\tessera-git-${randomBytes(12).toString('hex')}`;
    else {
      this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-git-'));
      fs.chmodSync(this.dir, 0o700);
      handle = path.join(this.dir, 'credentials.sock');
    }
    const server = http.createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(handle, () => resolve());
    });
    // Electron's binary runs as Node with ELECTRON_RUN_AS_NODE (as vscode.git's askpass does); Node ignores it.
    const command = `!ELECTRON_RUN_AS_NODE=1 ${shellQuote(process.execPath)} ${shellQuote(this.helperScript)}`;
    return { command, env: { [HANDLE_ENV]: handle, [NONCE_ENV]: this.nonce } };
  }

  dispose(): void {
    this.server?.close();
    this.server = undefined;
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const reply = (status: number, body: HelperAnswer | { message: string }) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const given = Buffer.from(String(req.headers[NONCE_HEADER] ?? ''));
    const want = Buffer.from(this.nonce);
    if (given.length !== want.length || !timingSafeEqual(given, want)) return reply(403, { message: 'Not a process of this window.' });
    if (req.method !== 'POST' || req.url !== '/get') return reply(404, { message: 'Not found.' });
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > MAX_BODY) return reply(413, { message: 'Request too large.' });
      chunks.push(c);
    }
    let request: HelperRequest;
    try {
      request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as HelperRequest;
    } catch {
      return reply(422, { message: 'The request is not JSON.' });
    }
    if (typeof request?.protocol !== 'string' || typeof request.host !== 'string' || (request.path !== undefined && typeof request.path !== 'string')) {
      return reply(422, { message: 'protocol and host are required strings.' });
    }
    try {
      const answer = await this.answer(requestUrl(request));
      reply(200, answer ? { username: answer.username, password: answer.password } : {});
    } catch (err) {
      this.warn(`git credential helper: ${err instanceof Error ? err.message : String(err)}`);
      reply(200, {});
    }
  }
}
