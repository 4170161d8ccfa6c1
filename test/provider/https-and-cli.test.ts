// HTTPS with the local CA (--tls auto), and the standalone command line as scripts start it.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startProvider } from '../../src/provider/index';
import { ensureLocalCa } from '../../src/provider/tls/local-ca';
import { openDatabase } from '../../src/provider/store/sqlite/database';
import { ApiClient } from '../builders/api-client';
import { createUser } from '../builders/users';
import { freshOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { startPasswordAskingServer, unusedPort } from './helpers/postgres-proxy';
import { killGroup, refusal, runCli, waitFor, type Cli } from './helpers/cli-run';
import { startTestProvider } from './helpers/provider';

const CLI = path.resolve(__dirname, '../../src/provider/cli.js');

describe('HTTPS with the local CA', () => {
  it('serves the API over HTTPS trusted through the CA, and a client without the CA is refused', async () => {
    const t = await startTestProvider({ tls: 'auto' });
    try {
      assert.match(t.provider.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(t.provider.apiUrl, `${t.provider.url}/api/v3`);
      assert.ok(t.provider.caCertPath && path.isAbsolute(t.provider.caCertPath));
      assert.ok(t.provider.caCertPath.startsWith(t.dataDir));
      assert.equal(await readFile(t.provider.caCertPath, 'utf8'), t.provider.caCertPem);

      const health = await t.api.get('/-/health');
      assert.equal(health.status, 200);
      assert.deepEqual(health.json, { service: 'tessera', version: JSON.parse(await readFile(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')).version, status: 'ok' });

      const user = await createUser(t);
      await enableTwoFactor(t, user);
      const auth = await t.api.post('/authorizations', { basic: user, otp: await freshOtp(t, user), body: { note: 'over https', scopes: ['user'] } });
      assert.equal(auth.status, 201);
      const me = await t.api.get('/user', { token: auth.json.token });
      assert.equal(me.status, 200);
      assert.equal(me.headers.get('x-oauth-scopes'), 'user');

      const untrusting = new ApiClient(t.provider.url);
      try {
        await assert.rejects(untrusting.get('/-/health'));
      } finally {
        await untrusting.close();
      }
    } finally {
      await t.close();
    }
  });

  it('refuses tls off on a non-loopback host', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-tlsoff-'));
    try {
      await assert.rejects(startProvider({ dataDir, host: '0.0.0.0', tls: 'off' }), /loopback/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('tessera serve (command line)', () => {
  let dataDir: string;
  const started: Cli[] = [];
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-cli-'));
  });
  afterEach(async () => {
    started.splice(0).forEach(killGroup);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('--tls auto (default) prints the URL and the absolute CA path, serves HTTPS, stops on SIGTERM', async () => {
    const cli = runCli(['serve', '--data', dataDir, '--port', '0']);
    started.push(cli);
    const [, url] = await waitFor(cli, /Tessera provider listening on (https:\/\/127\.0\.0\.1:\d+)/);
    const [, caPath] = await waitFor(cli, /(\/\S+\.pem)/);
    assert.ok(path.isAbsolute(caPath) && caPath.startsWith(dataDir));
    const api = new ApiClient(url, await readFile(caPath, 'utf8'));
    try {
      const health = await api.get('/-/health');
      assert.equal(health.json.service, 'tessera');
    } finally {
      await api.close();
    }
    assert.equal((await stat(path.join(dataDir, 'tessera.db'))).isFile(), true);
    cli.child.kill('SIGTERM');
    assert.equal(await cli.exit, 0);
    assert.doesNotMatch(cli.stderr, /ExperimentalWarning|SQLite is an experimental/, 'no node:sqlite warning on stderr');
  });

  it('says where clients reach a server whose public origin is not where it listens (--public-host, --public-url)', async () => {
    for (const [flags, origin] of [
      [['--public-host', 'tessera.example.com:8443'], 'https://tessera.example.com:8443'],
      [['--public-url', 'https://tessera.example.com'], 'https://tessera.example.com'],
    ] as const) {
      const cli = runCli(['serve', '--data', dataDir, '--port', '0', ...flags]);
      started.push(cli);
      await waitFor(cli, /^CA certificate: /m);
      assert.match(cli.stdout, new RegExp(`^Tessera provider listening on https://127\\.0\\.0\\.1:\\d+\nClients reach it at ${origin} \\(the extension's setting tessera\\.providerUrl\\)\n`, 'm'));
      cli.child.kill('SIGTERM');
      assert.equal(await cli.exit, 0, cli.stderr);
    }
  });

  it('a SIGTERM that comes while it starts, before it listens, closes it cleanly (exit 0) instead of killing it (143)', async () => {
    const signalBeforeListen = path.resolve(__dirname, 'helpers/signal-before-listen.js');
    const cli = runCli(['serve', '--data', dataDir, '--port', '0', '--tls', 'off'], { NODE_OPTIONS: `--require ${signalBeforeListen}` });
    started.push(cli);
    assert.equal(await cli.exit, 0, cli.stderr);
    assert.match(cli.stderr, /^tessera: SIGTERM, shutting down$/m);
  });

  it('--tls off on loopback serves HTTP and stops on SIGINT', async () => {
    const cli = runCli(['serve', '--data', dataDir, '--port', '0', '--tls', 'off', '--signup', 'closed']);
    started.push(cli);
    const [, url] = await waitFor(cli, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const api = new ApiClient(url);
    try {
      assert.equal((await api.get('/-/health')).json.status, 'ok');
    } finally {
      await api.close();
    }
    cli.child.kill('SIGINT');
    assert.equal(await cli.exit, 0);
  });

  it('refuses --tls off for a non-loopback host, and bad arguments, with a message', async () => {
    const offPublic = runCli(['serve', '--data', dataDir, '--host', '0.0.0.0', '--tls', 'off']);
    started.push(offPublic);
    assert.equal(await offPublic.exit, 2);
    assert.match(offPublic.stderr, /--tls off is refused/);
    const bad = runCli(['serve', '--data', dataDir, '--tls', 'maybe']);
    started.push(bad);
    assert.equal(await bad.exit, 2);
    assert.match(bad.stderr, /--tls must be auto or off/);
    const noData = runCli(['serve']);
    started.push(noData);
    assert.equal(await noData.exit, 2);
    assert.match(noData.stderr, /--data/);
    const misspelt = runCli(['serv', '--data', dataDir]);
    started.push(misspelt);
    assert.equal(await misspelt.exit, 2);
    assert.match(misspelt.stderr, /^tessera: unknown command 'serv'\n/);
    const extra = runCli(['serve', 'now', '--data', dataDir]);
    started.push(extra);
    assert.equal(await extra.exit, 2);
    assert.match(extra.stderr, /^tessera: serve: unexpected argument 'now'\n/);
  });

  it('every argument refused, of every command, is one line `tessera: …`, then where the usage is, and exit 2 (the usage only on --help)', async () => {
    const empty = { TESSERA_DATABASE_URL: '' };
    const cases: [string[], RegExp, string][] = [
      [[], /^no command given \(serve, reset-two-factor or migrate\)$/, "see 'tessera --help'"],
      [['serv', '--data', dataDir], /^unknown command 'serv'$/, "see 'tessera --help'"],
      [['serve'], /^--data DIR is required$/, "see 'tessera serve --help'"],
      [['serve', 'now', '--data', dataDir], /^serve: unexpected argument 'now'$/, "see 'tessera serve --help'"],
      [['serve', '--data', dataDir, '--port', '70000'], /^--port must be 0–65535$/, "see 'tessera serve --help'"],
      [['serve', '--data', dataDir, '--bogus'], /^unknown option '--bogus'$/, "see 'tessera serve --help'"],
      [['serve', '--data', dataDir, '--port'], /^--port needs a value$/, "see 'tessera serve --help'"],
      [['serve', '--data', '--port', '8443'], /^--data needs a value \(one starting with '-' is written --data=-…\)$/, "see 'tessera serve --help'"],
      [['serve', '--data', dataDir, '--rate-limit', '-5'], /^--rate-limit needs a value \(one starting with '-' is written --rate-limit=-…\)$/, "see 'tessera serve --help'"],
      [['serve', '--data', dataDir, '--help=yes'], /^--help takes no value$/, "see 'tessera serve --help'"],
      [['reset-two-factor', '--bogus'], /^unknown option '--bogus'$/, "see 'tessera reset-two-factor --help'"],
      [['reset-two-factor', 'now', '--data', dataDir], /^unexpected argument 'now'$/, "see 'tessera reset-two-factor --help'"],
      [['migrate', '--from'], /^--from needs a value$/, "see 'tessera migrate --help'"],
      [['migrate', '--from', dataDir, '-x'], /^unknown option '-x'$/, "see 'tessera migrate --help'"],
      [['serve', '--data', dataDir, '--signup', 'maybe'], /^--signup must be open or closed$/, "see 'tessera serve --help'"],
      [['reset-two-factor'], /^--data DIR \(or --db URL, or TESSERA_DATABASE_URL\) is required$/, "see 'tessera reset-two-factor --help'"],
      [['reset-two-factor', '--data', dataDir, '--db', 'postgres://h/db'], /^give --data DIR or --db URL, not both$/, "see 'tessera reset-two-factor --help'"],
      [['migrate'], /^--from DATA_DIR is required$/, "see 'tessera migrate --help'"],
      [['migrate', 'now', '--from', dataDir], /^migrate: unexpected argument 'now'$/, "see 'tessera migrate --help'"],
    ];
    const runs = cases.map(([args]) => runCli(args, empty));
    started.push(...runs);
    for (const [i, [args, problem, hint]] of cases.entries()) {
      const cli = runs[i];
      assert.equal(await cli.exit, 2, `${args.join(' ')}: ${cli.stderr}`);
      const lines = cli.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 2, `${args.join(' ')}: one line and the hint, not the usage: ${cli.stderr}`);
      assert.ok(lines[0].startsWith('tessera: '), `${args.join(' ')}: ${lines[0]}`);
      assert.match(lines[0].slice('tessera: '.length), problem, args.join(' '));
      assert.equal(lines[1], hint, args.join(' '));
      assert.equal(cli.stdout, '', args.join(' '));
    }
  });

  it('--help (and -h, and `tessera help`) prints the usage of every command on stdout and exits 0, for any command', async () => {
    for (const args of [['--help'], ['-h'], ['help'], ['serve', '--help'], ['migrate', '--help'], ['reset-two-factor', '-h'], ['serve', '--data', dataDir, '-h']]) {
      const cli = runCli(args);
      started.push(cli);
      assert.equal(await cli.exit, 0, `${args.join(' ')}: ${cli.stderr}`);
      for (const command of ['tessera serve', 'tessera reset-two-factor', 'tessera migrate']) assert.ok(cli.stdout.includes(command), `${args.join(' ')}: ${command} in ${cli.stdout}`);
      assert.equal(cli.stderr, '', args.join(' '));
    }
    assert.deepEqual(await readdir(dataDir), [], 'asking for help starts nothing');
  });

  it('--help describes every option the serve usage line names, with its default', async () => {
    const cli = runCli(['serve', '--help']);
    started.push(cli);
    assert.equal(await cli.exit, 0, cli.stderr);
    const usage = cli.stdout.slice(0, cli.stdout.indexOf('tessera reset-two-factor'));
    const options = [...new Set([...usage.matchAll(/--[a-z-]+/g)].map((m) => m[0]))];
    assert.ok(options.length >= 14, options.join(' '));
    const described = cli.stdout.split('\n').filter((line) => /^  --/.test(line)).join('\n');
    for (const option of options) assert.match(described, new RegExp(`(^  |, )${option}(?![\\w-])`, 'm'), `${option} has no description line`);
    for (const [option, fallback] of [['--port', /default 0: a free port/], ['--host', /default 127\.0\.0\.1/], ['--tls', /auto \(default\)/], ['--signup', /open \(default\)/]] as const) {
      assert.match(cli.stdout, fallback, `${option}'s default`);
    }
  });

  it('a PostgreSQL database it cannot reach is named; one that asks for a password not given says where it goes, and the command exits', async () => {
    const askingForPassword = await startPasswordAskingServer();
    const url = `postgres://tessera@127.0.0.1:${askingForPassword.port}/team`;
    const named = new RegExp(`^tessera: the PostgreSQL database at 127\\.0\\.0\\.1:${askingForPassword.port}/team: the server asks for a password and none was given: put it in TESSERA_DATABASE_URL .*PGPASSWORD or ~/\\.pgpass$`, 'm');
    try {
      for (const args of [['serve', '--data', dataDir, '--port', '0', '--tls', 'off', '--db', url], ['reset-two-factor', '--db', url]]) {
        const cli = runCli(args, { PGPASSWORD: '', PGPASSFILE: path.join(dataDir, 'no-pgpass') });
        started.push(cli);
        assert.equal(await cli.exit, 1, `${args[0]}: ${cli.stderr}`);
        assert.match(cli.stderr, named, args[0]);
      }
    } finally {
      await askingForPassword.close();
    }
    const closedPort = await unusedPort();
    const unreachable = runCli(['serve', '--data', dataDir, '--port', '0', '--tls', 'off', '--db', `postgres://tessera@127.0.0.1:${closedPort}/team`]);
    started.push(unreachable);
    assert.equal(await unreachable.exit, 1, unreachable.stderr);
    assert.match(unreachable.stderr, new RegExp(`^tessera: the PostgreSQL database at 127\\.0\\.0\\.1:${closedPort}/team: connect ECONNREFUSED`, 'm'));
  });

  it('a team server whose database cannot be reached leaves nothing made: no data folder (nor its parents), no tls/, no repositories folder', async () => {
    const db = `postgres://tessera@127.0.0.1:${await unusedPort()}/team`;
    const fresh = path.join(dataDir, 'new', 'tessera');
    const repos = path.join(dataDir, 'team-repositories');
    const existing = path.join(dataDir, 'existing');
    await mkdir(existing);
    for (const data of [fresh, existing]) {
      const cli = runCli(['serve', '--data', data, '--repos', repos, '--port', '0', '--db', db]); // --tls auto: a local CA in DATA/tls
      started.push(cli);
      assert.equal(await cli.exit, 1, cli.stderr);
      assert.match(cli.stderr, /^tessera: the PostgreSQL database at 127\.0\.0\.1:\d+\/team: connect ECONNREFUSED/m);
    }
    assert.deepEqual((await readdir(dataDir)).sort(), ['existing'], 'neither the new data folder, its parent, nor the repositories folder');
    assert.deepEqual(await readdir(existing), [], 'the existing data folder is as it was: no tls/');
  });

  it('reset-two-factor: a database it cannot open or write is a message naming the folder, not a crash', async () => {
    await writeFile(path.join(dataDir, 'tessera.db'), 'not a database, but a file of that name\n');
    const garbage = runCli(['reset-two-factor', '--data', dataDir]);
    started.push(garbage);
    assert.equal(await garbage.exit, 1);
    assert.match(garbage.stderr, new RegExp(`^tessera: the database in ${dataDir}: .*not a database`, 'm'));
    assert.doesNotMatch(garbage.stderr, /^\s+at /m, 'no stack');
    await rm(path.join(dataDir, 'tessera.db'));

    // A connection that holds the write lock (here: a transaction left open) is one of a provider.
    const db = openDatabase(dataDir);
    try {
      db.exec('BEGIN IMMEDIATE');
      const busy = runCli(['reset-two-factor', '--data', dataDir]);
      started.push(busy);
      assert.equal(await busy.exit, 1);
      assert.match(busy.stderr, new RegExp(`^tessera reset-two-factor: a provider is still running on ${dataDir} \\(it has tessera\\.db open\\)`, 'm'));
      assert.doesNotMatch(busy.stderr, /^\s+at /m, 'no stack');
    } finally {
      db.close();
    }
  });

  it('on a Node.js without the node:sqlite it needs, says which version it needs instead of crashing', async () => {
    // A Node that reports 20.19 (and, like Node 20, would have no node:sqlite to load).
    const preload = path.join(dataDir, 'node-20.js');
    await writeFile(
      preload,
      `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '20.19.0' } });
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'node:sqlite') { const e = new Error('No such built-in module: node:sqlite'); e.code = 'ERR_UNKNOWN_BUILTIN_MODULE'; throw e; }
  return load.call(this, request, ...rest);
};
`,
    );
    for (const cli of [path.resolve(__dirname, '../../../dist/cli.js'), CLI]) {
      const child = spawn(process.execPath, ['--require', preload, cli, 'serve', '--data', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      assert.equal(code, 1, `${cli}: ${stderr}`);
      assert.match(stderr, /^tessera needs Node\.js 22\.16 or later \(node:sqlite\); this is Node\.js 20\.19\.0\.?$/m, stderr);
      assert.doesNotMatch(stderr, /^\s+at /m, 'no stack');
    }
  });

  it('refuses a --data folder that holds files of something else (every start narrows the whole folder), touching nothing', async () => {
    // `--data ~` or `--data .` by mistake: the start would make every file under it owner-only.
    const notes = path.join(dataDir, 'notes.txt');
    await writeFile(notes, 'shared with my group\n', { mode: 0o644 });
    await chmod(notes, 0o644);
    await chmod(dataDir, 0o755);
    const cli = runCli(['serve', '--data', dataDir, '--port', '0', '--tls', 'off']);
    started.push(cli);
    assert.equal(await refusal(cli), 2, cli.stdout);
    assert.match(cli.stderr, /^tessera: --data: .* holds files that are not Tessera's \(notes\.txt\)/m);
    assert.equal((await stat(notes)).mode & 0o777, 0o644, 'left as it was');
    assert.equal((await stat(dataDir)).mode & 0o777, 0o755, 'left as it was');
    assert.deepEqual(await readdir(dataDir), ['notes.txt'], 'nothing made in it');

    // The certificate and key it is given may be kept in the folder before its first start.
    const certDir = path.join(dataDir, 'with-certificate');
    const issued = await ensureLocalCa(path.join(dataDir, 'issuer'));
    await mkdir(certDir);
    await writeFile(path.join(certDir, 'cert.pem'), issued.certPem);
    await writeFile(path.join(certDir, 'key.pem'), issued.keyPem, { mode: 0o600 });
    const withCertificate = runCli(['serve', '--data', certDir, '--port', '0', '--tls-cert', path.join(certDir, 'cert.pem'), '--tls-key', path.join(certDir, 'key.pem')]);
    started.push(withCertificate);
    await waitFor(withCertificate, /listening on https:/);
    withCertificate.child.kill('SIGTERM');
    assert.equal(await withCertificate.exit, 0, withCertificate.stderr);
    await rm(certDir, { recursive: true });
    await rm(path.join(dataDir, 'issuer'), { recursive: true });

    // A Tessera data folder (here: one whose key was copied in first) with other files in it starts.
    await writeFile(path.join(dataDir, 'secret.key'), `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const ours = runCli(['serve', '--data', dataDir, '--port', '0', '--tls', 'off']);
    started.push(ours);
    await waitFor(ours, /listening on/);
    ours.child.kill('SIGTERM');
    assert.equal(await ours.exit, 0, ours.stderr);
  });

  it('--tls-cert/--tls-key: a missing file, a swapped pair or a key of another certificate is a message naming the flag; nothing is made', async () => {
    const issued = await ensureLocalCa(path.join(dataDir, 'issuer'));
    const cert = path.join(dataDir, 'cert.pem');
    const key = path.join(dataDir, 'key.pem');
    await writeFile(cert, issued.certPem);
    await writeFile(key, issued.keyPem, { mode: 0o600 });
    const otherKey = path.join(dataDir, 'issuer', 'tls', 'ca-key.pem');
    const serverData = path.join(dataDir, 'server');
    for (const [args, message] of [
      [['--tls-cert', path.join(dataDir, 'missing.pem'), '--tls-key', key], /--tls-cert .*missing\.pem: .*ENOENT|no such file/],
      [['--tls-cert', key, '--tls-key', cert], /--tls-cert .*key\.pem holds no PEM certificate/],
      [['--tls-cert', cert, '--tls-key', cert], /--tls-key .*cert\.pem holds no private key/],
      [['--tls-cert', cert, '--tls-key', otherKey], /the key in .*ca-key\.pem \(--tls-key\) is not the private key of the certificate in .*cert\.pem \(--tls-cert\)/],
    ] as const) {
      const cli = runCli(['serve', '--data', serverData, '--port', '0', ...args]);
      started.push(cli);
      assert.equal(await refusal(cli), 1, cli.stdout);
      assert.match(cli.stderr, message);
      assert.doesNotMatch(cli.stderr, /BEGIN|routines::/, 'neither key material nor an OpenSSL code');
      await assert.rejects(stat(serverData), /ENOENT/, 'no data folder, database or data key made');
    }
    const ok = runCli(['serve', '--data', serverData, '--port', '0', '--tls-cert', cert, '--tls-key', key]);
    started.push(ok);
    await waitFor(ok, /listening on https:/);
    ok.child.kill('SIGTERM');
    assert.equal(await ok.exit, 0);
  });

  it('refuses an option given an empty value, naming it, instead of falling back to its default', async () => {
    // `--tls-cert "$CERT" --tls-key "$KEY"` with the variables unset must not serve the local CA's
    // certificate, nor `--repos "$REPOS"` the data folder's repositories.
    for (const [flag, args] of [
      ['--tls-cert', ['--tls-cert', '', '--tls-key', '']],
      ['--repos', ['--repos', '', '--tls', 'off']],
      ['--host', ['--host', ' ']],
    ] as const) {
      const cli = runCli(['serve', '--data', dataDir, '--port', '0', ...args]);
      started.push(cli);
      assert.equal(await refusal(cli), 2, `${flag}: ${cli.stdout}`);
      assert.match(cli.stderr, new RegExp(`${flag} needs a value`));
      assert.doesNotMatch(cli.stdout, /listening/);
    }
  });
});
