// The git commands the provider runs outside git http-backend take a slot of one per-process
// bound, so a burst of work starts them a few at a time, not all at once: the reads of one GraphQL
// query asking for the head commit of many repositories (aliases of search(first: 100) with
// defaultBranchRef.target: for-each-ref, cat-file), and the writes of many repositories created at
// once (git init, git config, the auto_init commit). Seen through the real git behind a wrapper,
// first on the provider's PATH, that marks each start and end in a file and holds every git it
// starts until the test opens a gate: the test opens it once more gits than the limit are
// running (the limit broken) or once the limit's gits are running with others queued behind them.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { gitReadSlots } from '../../src/provider/git/git-read-slots';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';

const REPOSITORIES = 20;

/** The most gits running at once by the marks, and the arguments of each git started. */
function readMarks(text: string): { running: number; peak: number; started: string[] } {
  let running = 0;
  let peak = 0;
  const started: string[] = [];
  for (const line of text.split('\n').filter(Boolean)) {
    if (line.startsWith('start ')) {
      running++;
      peak = Math.max(peak, running);
      started.push(line.slice('start '.length));
    } else if (line.startsWith('end ')) running--;
  }
  return { running, peak, started };
}

/**
 * Puts a git wrapper first on PATH while `work` runs (in a folder of its own, under `dir`), opens
 * its gate once the marks show the limit broken or kept with others queued, and returns the marks.
 */
async function throughHeldGits<T>(dir: string, work: () => Promise<T>): Promise<{ result: T; marks: ReturnType<typeof readMarks> }> {
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const bin = await mkdtemp(path.join(dir, 'bin-'));
  const marks = path.join(bin, 'marks');
  const gate = path.join(bin, 'gate');
  await writeFile(marks, '');
  // The provider passes git only PATH (no other variable), so the wrapper names its files itself.
  await writeFile(
    path.join(bin, 'git'),
    [
      '#!/bin/sh',
      `echo "start $*" >> '${marks}'`,
      `while [ ! -e '${gate}' ]; do sleep 0.01; done`,
      `'${realGit}' "$@"`,
      'code=$?',
      `echo "end $$" >> '${marks}'`,
      'exit $code',
      '',
    ].join('\n'),
  );
  await chmod(path.join(bin, 'git'), 0o755);
  const limit = gitReadSlots.limit;
  const pathBefore = process.env.PATH;
  process.env.PATH = `${bin}${path.delimiter}${pathBefore}`;
  try {
    let settled = false;
    const pending = work().finally(() => (settled = true));
    // Open the gate once the held gits show the limit broken, or show it kept with others waiting.
    for (;;) {
      const { running } = readMarks(await readFile(marks, 'utf8'));
      if (settled || running > limit || (running === limit && gitReadSlots.queued > 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await writeFile(gate, '');
    const result = await pending;
    return { result, marks: readMarks(await readFile(marks, 'utf8')) };
  } finally {
    process.env.PATH = pathBefore;
  }
}

describe('git commands outside http-backend: a bounded number at once', function () {
  this.timeout(120_000);
  let t: InProcessProvider;
  let alice: Session;
  let token: string;
  let dir: string;

  before(async () => {
    t = await startInProcessProvider();
    alice = await newSession(t);
    token = (await createClassicToken(t, alice, { scopes: ['repo'] })).token;
    for (let i = 0; i < REPOSITORIES; i++) {
      const res = await t.api.post('/user/repos', { token, body: { name: `fan-${i}`, private: true, auto_init: true } });
      assert.equal(res.status, 201, res.text);
    }
    dir = await mkdtemp(path.join(os.tmpdir(), 'tessera-git-wrapper-'));
  });
  after(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`ten aliases of search(first: 100) asking for each repository's head commit run at most the limit of gits at once`, async () => {
    const limit = gitReadSlots.limit;
    assert.ok(limit < REPOSITORIES, `the limit (${limit}) is below the repositories read`);
    const searches = Array.from(
      { length: 10 },
      (_, i) =>
        `s${i}: search(first: 100, type: REPOSITORY, query: "user:${alice.user.login}${' '.repeat(i + 1)}") { nodes { ... on Repository { name defaultBranchRef { target { ... on Commit { message } } } } } }`,
    );
    const { result: answer, marks } = await throughHeldGits(dir, () => t.api.post(`${t.provider.url}/api/graphql`, { token, body: { query: `{ ${searches.join(' ')} }` } }));
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json.errors, undefined, answer.text);
    for (let i = 0; i < 10; i++) {
      const nodes = answer.json.data[`s${i}`].nodes as { name: string; defaultBranchRef: { target: { message: string } } }[];
      assert.equal(nodes.length, REPOSITORIES);
      for (const node of nodes) assert.equal(node.defaultBranchRef.target.message, 'Initial commit', node.name);
    }
    const { peak, started } = marks;
    assert.equal(started.filter((args) => args.includes(' for-each-ref ')).length, REPOSITORIES, 'a for-each-ref per repository, through the wrapper');
    assert.equal(started.filter((args) => args.includes(' cat-file ')).length, REPOSITORIES, 'a cat-file per head commit, through the wrapper');
    assert.ok(peak <= limit, `${peak} git reads ran at once (limit ${limit})`);
  });

  it('repositories created at once (auto_init) run at most the limit of gits at once, and each is made whole', async () => {
    const limit = gitReadSlots.limit;
    const count = limit + 4;
    const { result: made, marks } = await throughHeldGits(dir, () =>
      Promise.all(Array.from({ length: count }, (_, i) => t.api.post('/user/repos', { token, body: { name: `burst-${i}`, private: true, auto_init: true } }))),
    );
    for (const res of made) assert.equal(res.status, 201, res.text);
    const { peak, started } = marks;
    assert.equal(started.filter((args) => / init .*--bare/.test(` ${args}`)).length, count, 'a git init per repository, through the wrapper');
    assert.equal(started.filter((args) => args.includes(' commit-tree ')).length, count, 'an auto_init commit per repository, through the wrapper');
    assert.ok(peak <= limit, `${peak} gits ran at once (limit ${limit})`);
    for (let i = 0; i < count; i++) {
      const branch = await t.api.get(`/repos/${alice.user.login}/burst-${i}/branches/main`, { token });
      assert.equal(branch.status, 200, branch.text);
      assert.equal(branch.json.commit.commit.message, 'Initial commit');
    }
  });
});
