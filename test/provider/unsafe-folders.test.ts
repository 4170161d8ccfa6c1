// Every folder of secrets or repositories a command is given is refused, as the data folder of
// `tessera serve` is, when another user owns it or others may write to it — they could have put
// files there for Tessera to use (a database, a data key, a bare repository whose hooks run on a
// push): `serve --repos`, `migrate --from/--data/--repos`, `reset-two-factor --data`. Each refusal
// names the folder and leaves it as it was, having made nothing.
import * as assert from 'node:assert/strict';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/provider/cli';
import { openSqliteStore } from '../../src/provider/store/sqlite/sqlite-store';
import { startTestProvider } from './helpers/provider';

const NOBODY = 65534;
const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

interface Unsafe {
  how: string;
  /** Makes the folder `dir` unsafe; answers the folder to give (`/` where only root can give a folder away). */
  make(dir: string): Promise<string>;
  /** What the refusal of `role` `dir` says. */
  refusal(role: string, dir: string): RegExp;
}

/** `tessera COMMAND …` in this process: its exit code and what it wrote. */
async function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const UNSAFE: Unsafe[] = [
  ...[0o777, 0o770, 0o702].map((mode) => ({
    how: `writable by others (${mode.toString(8)})`,
    async make(dir: string) {
      await mkdir(dir, { recursive: true });
      await chmod(dir, mode);
      return dir;
    },
    refusal: (role: string, dir: string) =>
      new RegExp(`${role} ${escaped(dir)} is writable by other users \\(mode ${mode.toString(8)}\\), who could have put files in it: check what it holds, then make it yours only \\(chmod 700 ${escaped(dir)}\\)$`),
  })),
  {
    how: 'owned by another user',
    async make(dir: string) {
      // Only root can give a folder away; the file system's root is another user's everywhere else.
      if (process.getuid?.() !== 0) return '/';
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chown(dir, NOBODY, NOBODY);
      return dir;
    },
    refusal: (role: string, dir: string) => new RegExp(`${role} ${escaped(dir)} belongs to another user \\(uid \\d+\\), who could read it or replace what the provider keeps there`),
  },
];

describe('folders a command is given: refused when another user owns them or others may write to them', function () {
  this.timeout(60_000);
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tessera-unsafe-'));
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  /** The folder's mode and owner, to check a refusal left it as it was. */
  async function stateOf(dir: string): Promise<{ mode: number; uid: number; entries: string[] }> {
    const s = await stat(dir);
    return { mode: s.mode & 0o777, uid: s.uid, entries: await readdir(dir) };
  }

  for (const unsafe of UNSAFE) {
    it(`serve --repos: a repositories folder ${unsafe.how} is refused before anything is made`, async () => {
      const repos = await unsafe.make(path.join(tmp, 'repos'));
      const before = await stateOf(repos);
      const dataDir = path.join(tmp, 'data');
      const started = await startTestProvider({ dataDir, reposDir: repos }).catch((err: Error) => {
        assert.match(err.message, unsafe.refusal('^the repositories folder', repos));
        return undefined;
      });
      if (started) {
        await started.close();
        assert.fail('it started on the repositories folder');
      }
      assert.deepEqual(await stateOf(repos), before, 'left as it was');
      assert.equal(await stat(dataDir).catch(() => undefined), undefined, 'no data folder made');
    });

    it(`migrate: a source, team data or repositories folder ${unsafe.how} is refused before anything is done`, async () => {
      const from = path.join(tmp, 'embedded');
      await (await openSqliteStore(from)).close();
      // Never reached: the folders are refused before the database is connected to.
      const env = { TESSERA_DATABASE_URL: 'postgres://tessera@127.0.0.1:1/never' };
      for (const [option, role] of [
        ['--from', 'the data folder'],
        ['--data', 'the team data folder'],
        ['--repos', 'the repositories folder'],
      ] as const) {
        const folders: Record<string, string> = { '--from': from, '--data': path.join(tmp, 'team'), '--repos': path.join(tmp, 'team-repos') };
        const safe = option === '--from' ? undefined : await stateOf(from);
        let given: string;
        if (option === '--from') {
          const source = path.join(tmp, 'embedded-unsafe');
          await (await openSqliteStore(source)).close();
          given = await unsafe.make(source);
        } else {
          given = await unsafe.make(folders[option]);
        }
        folders[option] = given;
        const before = await stateOf(given);
        const r = await run(['migrate', '--from', folders['--from'], '--data', folders['--data'], '--repos', folders['--repos']], env);
        assert.equal(r.code, 1, `${option}: ${r.err}`);
        assert.match(r.err, unsafe.refusal(`^tessera migrate: ${role}`, given), option);
        assert.equal(r.out, '');
        assert.deepEqual(await stateOf(given), before, `${option}: left as it was`);
        if (safe) assert.deepEqual(await stateOf(from), safe, 'the source untouched');
        if (given !== '/') await rm(given, { recursive: true, force: true });
      }
    });

    it(`reset-two-factor --data: a data folder ${unsafe.how} is refused, nothing removed`, async () => {
      const dir = path.join(tmp, 'data');
      await (await openSqliteStore(dir)).close();
      const given = await unsafe.make(dir);
      const before = await stateOf(given);
      const r = await run(['reset-two-factor', '--data', given]);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, unsafe.refusal('^tessera reset-two-factor: the data folder', given));
      assert.equal(r.out, '', 'nothing removed');
      assert.deepEqual(await stateOf(given), before, 'left as it was');
    });
  }
});

describe('folders a command is given: refused when they hold files Tessera did not make (a home or project folder given by mistake)', function () {
  this.timeout(60_000);
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tessera-foreign-'));
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  /** Every entry below `dir` with its mode and content, to check a refusal left it as it was. */
  async function snapshot(dir: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const name of (await readdir(dir, { recursive: true })).sort()) {
      const full = path.join(dir, name);
      const s = await stat(full);
      out[name] = `${(s.mode & 0o777).toString(8)} ${s.isDirectory() ? 'dir' : await readFile(full, 'utf8')}`;
    }
    out['.'] = ((await stat(dir)).mode & 0o777).toString(8);
    return out;
  }

  /** A person's folder: a project (package.json, src/index.ts) or a home folder (.bashrc, notes.txt). */
  async function personal(dir: string, kind: 'project' | 'home'): Promise<string> {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    if (kind === 'project') {
      await mkdir(path.join(dir, 'src'), { mode: 0o755 });
      await writeFile(path.join(dir, 'src', 'index.ts'), 'export {};\n', { mode: 0o644 });
      await writeFile(path.join(dir, 'package.json'), '{}\n', { mode: 0o644 });
    } else {
      await writeFile(path.join(dir, '.bashrc'), 'umask 022\n', { mode: 0o644 });
      await writeFile(path.join(dir, 'notes.txt'), 'mine\n', { mode: 0o644 });
    }
    return dir;
  }

  const refusal = (role: string, dir: string, first: string) => new RegExp(`${role} ${escaped(dir)} holds files that are not Tessera's \\(${escaped(first)}\\)\\. `);

  it('migrate --data and --repos: a home or project folder is refused naming it and its first foreign entry; nothing written', async () => {
    const from = path.join(tmp, 'embedded');
    await (await openSqliteStore(from)).close();
    // Never reached: the folders are refused before the database is connected to.
    const env = { TESSERA_DATABASE_URL: 'postgres://tessera@127.0.0.1:1/never' };
    const cases = [
      { option: '--data', role: 'the team data folder', kind: 'home', first: '.bashrc' },
      { option: '--data', role: 'the team data folder', kind: 'project', first: 'package.json' },
      { option: '--repos', role: 'the repositories folder', kind: 'home', first: '.bashrc' },
      { option: '--repos', role: 'the repositories folder', kind: 'project', first: 'package.json' },
    ] as const;
    for (const c of cases) {
      const given = await personal(path.join(tmp, `${c.option.slice(2)}-${c.kind}`), c.kind);
      const other = path.join(tmp, `other-${c.option.slice(2)}-${c.kind}`); // new: accepted
      const before = await snapshot(given);
      const folders = c.option === '--data' ? ['--data', given, '--repos', other] : ['--data', other, '--repos', given];
      const r = await run(['migrate', '--from', from, ...folders], env);
      const what = `${c.option} ${c.kind}: ${r.err}`;
      assert.equal(r.code, 1, what);
      assert.match(r.err, new RegExp(`^tessera migrate: ${refusal(c.role, given, c.first).source}`), what);
      assert.deepEqual(await snapshot(given), before, `${what}: left as it was`);
      assert.equal(await stat(other).catch(() => undefined), undefined, `${what}: nothing made`);
    }
  });

  it('serve --repos: a project folder is refused before anything is made; its own repositories folder (owners, NAME.git, .trash) is accepted', async () => {
    const dataDir = path.join(tmp, 'data');
    const project = await personal(path.join(tmp, 'project'), 'project');
    // An owner-looking folder (a lower-case name) holding a person's files is not Tessera's either.
    await mkdir(path.join(project, 'docs'));
    await writeFile(path.join(project, 'docs', 'readme.md'), '# mine\n');
    await rm(path.join(project, 'package.json'));
    const before = await snapshot(project);
    const started = await startTestProvider({ dataDir, reposDir: project }).catch((err: Error) => {
      assert.match(err.message, refusal('^the repositories folder', project, 'docs/readme.md'));
      return undefined;
    });
    if (started) {
      await started.close();
      assert.fail('it started on a project folder');
    }
    assert.deepEqual(await snapshot(project), before, 'left as it was');
    assert.equal(await stat(dataDir).catch(() => undefined), undefined, 'no data folder made');

    const repos = path.join(tmp, 'repos');
    await mkdir(path.join(repos, 'octo', 'site.git'), { recursive: true, mode: 0o700 });
    await mkdir(path.join(repos, '.trash'), { mode: 0o700 });
    const t = await startTestProvider({ dataDir, reposDir: repos });
    await t.close();
  });

  it('reset-two-factor and serve keep accepting a Tessera data folder with other files beside its own', async () => {
    const dir = path.join(tmp, 'data');
    await (await openSqliteStore(dir)).close();
    await writeFile(path.join(dir, 'README.txt'), 'the provider of the team\n');
    const r = await run(['reset-two-factor', '--data', dir]);
    assert.equal(r.code, 0, r.err);
    const t = await startTestProvider({ dataDir: dir });
    await t.close();
  });
});
