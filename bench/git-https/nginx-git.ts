// The classic git server: nginx (TLS, Basic auth from an htpasswd file) → fcgiwrap →
// git-http-backend, as the git-http-backend documentation and distribution wikis describe it,
// with nginx's default request/response buffering. Everything lives in a temporary prefix;
// nginx runs in the foreground (daemon off) as a child and is stopped by stop().
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

const NGINX_PACKAGES = 'nginx fcgiwrap apache2-utils';

const CANDIDATES = {
  nginx: ['/usr/sbin/nginx', '/usr/bin/nginx'],
  fcgiwrap: ['/usr/sbin/fcgiwrap', '/usr/bin/fcgiwrap'],
  htpasswd: ['/usr/bin/htpasswd', '/usr/sbin/htpasswd'],
};

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const p of paths) {
    if (await fsp.access(p).then(() => true, () => false)) return p;
  }
  return undefined;
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, (err, stdout, stderr) => (err ? reject(new Error(`${file} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout + stderr))),
  );
}

interface NginxTools {
  nginx: string;
  fcgiwrap: string;
  htpasswd: string;
  gitHttpBackend: string;
  nginxVersion: string;
}

/** Finds nginx, fcgiwrap, htpasswd and git-http-backend, or says what to install. */
export async function findNginxTools(): Promise<NginxTools | { missing: string[]; hint: string }> {
  const nginx = await firstExisting(CANDIDATES.nginx);
  const fcgiwrap = await firstExisting(CANDIDATES.fcgiwrap);
  const htpasswd = await firstExisting(CANDIDATES.htpasswd);
  const execPath = (await run('git', ['--exec-path']).catch(() => '')).trim();
  const gitHttpBackend = execPath ? await firstExisting([path.join(execPath, 'git-http-backend')]) : undefined;
  const missing = [
    ...(nginx ? [] : ['nginx']),
    ...(fcgiwrap ? [] : ['fcgiwrap']),
    ...(htpasswd ? [] : ['htpasswd (apache2-utils)']),
    ...(gitHttpBackend ? [] : ['git-http-backend (git)']),
  ];
  if (!nginx || !fcgiwrap || !htpasswd || !gitHttpBackend) {
    return { missing, hint: `sudo apt-get install -y ${NGINX_PACKAGES} git` };
  }
  const nginxVersion = (await run(nginx, ['-v'])).trim().replace(/^nginx version:\s*/, '');
  return { nginx, fcgiwrap, htpasswd, gitHttpBackend, nginxVersion };
}

interface NginxGitServer {
  /** https://127.0.0.1:PORT */
  origin: string;
  port: number;
  stop(): Promise<void>;
  errorLog(): Promise<string>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForSocket(connect: () => net.Socket, what: string, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect();
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} did not start listening`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-child.pid!, signal); // the whole group: nginx workers, fcgiwrap's children
    } catch {
      child.kill(signal);
    }
  });
}

/**
 * Starts fcgiwrap and nginx serving `projectRoot` at https://127.0.0.1:PORT/{owner}/{repo}.git
 * with Basic auth (`user`:`password`, bcrypt in an htpasswd file) and the given certificate.
 */
export async function startNginxGitServer(opts: {
  tools: NginxTools;
  prefix: string;
  projectRoot: string;
  certFile: string;
  keyFile: string;
  user: string;
  password: string;
  workers?: number;
}): Promise<NginxGitServer> {
  const { tools, prefix } = opts;
  await fsp.mkdir(path.join(prefix, 'logs'), { recursive: true });
  for (const d of ['client_body', 'fastcgi', 'proxy', 'uwsgi', 'scgi']) await fsp.mkdir(path.join(prefix, 'tmp', d), { recursive: true });
  const htpasswdFile = path.join(prefix, 'htpasswd');
  await run(tools.htpasswd, ['-bcB', htpasswdFile, opts.user, opts.password]);
  const socket = path.join(prefix, 'fcgiwrap.sock');
  const port = await freePort();
  const workers = opts.workers ?? 2;

  const conf = `
worker_processes ${workers};
daemon off;
master_process on;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
${process.getuid?.() === 0 ? 'user root root;' : ''}
events { worker_connections 512; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path ${prefix}/tmp/client_body;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  proxy_temp_path ${prefix}/tmp/proxy;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    server_name localhost;
    ssl_certificate ${opts.certFile};
    ssl_certificate_key ${opts.keyFile};
    ssl_protocols TLSv1.2 TLSv1.3;
    client_max_body_size 0;
    location ~ ^/[^/]+/[^/]+\\.git/(info/refs|git-upload-pack|git-receive-pack)$ {
      auth_basic "git";
      auth_basic_user_file ${htpasswdFile};
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME ${tools.gitHttpBackend};
      fastcgi_param GIT_PROJECT_ROOT ${opts.projectRoot};
      fastcgi_param GIT_HTTP_EXPORT_ALL "";
      fastcgi_param PATH_INFO $uri;
      fastcgi_param REMOTE_USER $remote_user;
      fastcgi_param GIT_PROTOCOL $http_git_protocol;
      fastcgi_read_timeout 600s;
      fastcgi_pass unix:${socket};
    }
  }
}
`;
  const confFile = path.join(prefix, 'nginx.conf');
  await fsp.writeFile(confFile, conf);

  const fcgi = spawn(tools.fcgiwrap, ['-c', String(Math.max(4, workers * 2)), '-s', `unix:${socket}`], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: prefix },
  });
  fcgi.stderr?.resume();
  const nginx = spawn(tools.nginx, ['-p', prefix, '-c', confFile, '-e', path.join(prefix, 'logs', 'error.log')], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let nginxStderr = '';
  nginx.stderr?.on('data', (c: Buffer) => (nginxStderr += c.toString()));
  const stop = async () => {
    await stopChild(nginx, 'SIGTERM');
    await stopChild(fcgi, 'SIGTERM');
    await fsp.rm(socket, { force: true });
  };
  try {
    await waitForSocket(() => net.connect(socket), 'fcgiwrap', fcgi);
    await waitForSocket(() => net.connect(port, '127.0.0.1'), 'nginx', nginx);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${nginxStderr}`);
  }
  return {
    origin: `https://127.0.0.1:${port}`,
    port,
    stop,
    errorLog: () => fsp.readFile(path.join(prefix, 'logs', 'error.log'), 'utf8').catch(() => ''),
  };
}
