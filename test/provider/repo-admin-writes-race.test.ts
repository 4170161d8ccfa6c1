// Every administrative write of an org's repository commits only while its caller still
// administers it, not only when the request arrived: an org owner demoted (403) or removed (404)
// while the write is on its way writes nothing — neither the change nor an audit event of theirs.
// A delete or rename refused so never moves the bare repository on disk, not even aside and back:
// git requests served meanwhile all find it. A demotion that commits after the check under the
// repository's lock (PostgreSQL: the lock does not exclude it) is caught by the record's
// transaction, which checks again: refused, the bare repository put back; on SQLite the lock is a
// write transaction, so the demotion waits for the write.
import * as assert from 'node:assert/strict';
import { watch } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ApiResponse } from '../builders/api-client';
import { callAs } from '../builders/callers';
import { addMember, createOrg } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { newSession, type Session } from '../builders/sessions';
import { sshPublicKey } from '../builders/ssh-keys';
import { uniqueName } from '../builders/unique-name';
import { repositoryPath } from '../../src/provider/git/bare-repos';
import { repositoriesRoot } from '../../src/provider/repos/repositories-root';
import { adminRequiredMessage } from '../../src/provider/repos/repository-access';
import { startInProcessProvider, type InProcessProvider } from './helpers/in-process-provider';
import { answerAfter, RequestHolds } from './helpers/request-holds';
import { testEngine } from './helpers/test-database';

interface AdminWrite {
  method: 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** The repository's full name (in the 403 message). */
  fullName: string;
  /** Fails the test unless what the write would have changed is as it was. */
  unchanged: () => Promise<void>;
}

describe('administrative writes of an org repository by an owner who stops being one meanwhile', function () {
  this.timeout(60_000);
  let t: InProcessProvider;
  const holds = new RequestHolds();
  let owner: Session;
  let actor: Session;
  let org: string;
  let orgId: number;

  before(async () => {
    t = await startInProcessProvider({ routes: [holds.install] });
    owner = await newSession(t);
    actor = await newSession(t);
    org = await createOrg(t, owner);
    orgId = (await t.store.organizations.byLogin(org))!.id;
  });
  after(async () => t.close());

  async function aRepository(): Promise<{ name: string; path: string }> {
    const name = uniqueName('repo');
    await createRepo(t, owner, org, name, true);
    return { name, path: `/repos/${org}/${name}` };
  }

  async function stillThere(path: string, field: string, value: unknown): Promise<void> {
    const r = await t.api.get(path, { token: owner.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json[field], value);
  }

  async function aDeployKey(path: string): Promise<{ id: number; keysPath: string }> {
    const made = await callAs(t, owner, 'POST', `${path}/keys`, { title: 'kept', key: sshPublicKey() });
    return { id: made.id, keysPath: `${path}/keys` };
  }

  const WRITES: Record<string, () => Promise<AdminWrite>> = {
    'renaming it (PATCH name)': async () => {
      const r = await aRepository();
      return {
        method: 'PATCH',
        path: r.path,
        body: { name: `${r.name}-taken` },
        fullName: `${org}/${r.name}`,
        unchanged: async () => {
          await stillThere(r.path, 'name', r.name);
          assert.equal((await t.api.get(`/repos/${org}/${r.name}-taken`, { token: owner.token })).status, 404);
        },
      };
    },
    'changing its settings (PATCH description, visibility)': async () => {
      const r = await aRepository();
      return {
        method: 'PATCH',
        path: r.path,
        body: { description: 'taken over', private: false },
        fullName: `${org}/${r.name}`,
        unchanged: async () => {
          await stillThere(r.path, 'private', true);
          await stillThere(r.path, 'description', null);
        },
      };
    },
    'deleting it': async () => {
      const r = await aRepository();
      return { method: 'DELETE', path: r.path, fullName: `${org}/${r.name}`, unchanged: () => stillThere(r.path, 'name', r.name) };
    },
    'adding a deploy key': async () => {
      const r = await aRepository();
      return {
        method: 'POST',
        path: `${r.path}/keys`,
        body: { title: 'backdoor', key: sshPublicKey() },
        fullName: `${org}/${r.name}`,
        unchanged: async () => assert.deepEqual(await callAs(t, owner, 'GET', `${r.path}/keys`), []),
      };
    },
    'removing a deploy key': async () => {
      const r = await aRepository();
      const k = await aDeployKey(r.path);
      return {
        method: 'DELETE',
        path: `${k.keysPath}/${k.id}`,
        fullName: `${org}/${r.name}`,
        unchanged: () => stillThere(`${k.keysPath}/${k.id}`, 'title', 'kept'),
      };
    },
  };

  for (const [what, change, status] of [
    ['demoted to member', 'demote', 403],
    ['removed from the org', 'remove', 404],
  ] as const) {
    for (const [name, prepare] of Object.entries(WRITES)) {
      it(`${name}, by an org owner ${what} meanwhile: ${status}, nothing written`, async () => {
        await addMember(t, org, owner, actor, 'admin');
        const w = await prepare();
        const m = `/orgs/${org}/memberships/${actor.user.login}`;
        const { answer, during: auditBefore } = await answerAfter(
          holds,
          (r) => r.method === w.method && r.url === `/api/v3${w.path}`,
          () => t.api.call(w.method, w.path, { token: actor.token, body: w.body }),
          async () => {
            // authorized as the repository's administrator: now the caller stops being one
            const changed = change === 'demote' ? await t.api.put(m, { token: owner.token, body: { role: 'member' } }) : await t.api.delete(m, { token: owner.token });
            assert.ok(changed.status === 200 || changed.status === 204, changed.text);
            return t.store.audit.count({ orgId, actorLogin: actor.user.login });
          },
        );
        assert.equal(answer.status, status, answer.text);
        if (status === 403) assert.equal(answer.json.message, adminRequiredMessage(w.fullName));
        await w.unchanged();
        assert.equal(await t.store.audit.count({ orgId, actorLogin: actor.user.login }), auditBefore, 'no audit event of the refused write');
      });
    }
  }

  /**
   * The names fs.watch reports changed in `dir` while `act` runs: those reported before a marker
   * file made once `act` is done (inotify reports in order), the marker aside.
   */
  async function namesChangedIn(dir: string, act: () => Promise<void>): Promise<string[]> {
    const changed: string[] = [];
    const marker = `${uniqueName('marker')}.txt`;
    let markerReported!: () => void;
    const reported = new Promise<void>((resolve) => (markerReported = resolve));
    const watcher = watch(dir, (_event, file) => {
      if (file === marker) markerReported();
      else if (file) changed.push(String(file));
    });
    try {
      await act();
      await writeFile(path.join(dir, marker), '');
      await reported;
    } finally {
      watcher.close();
      await rm(path.join(dir, marker), { force: true });
    }
    return changed;
  }

  for (const [what, request] of [
    ['deleting it', () => ({ method: 'DELETE' as const, body: undefined })],
    ['renaming it', (name: string) => ({ method: 'PATCH' as const, body: { name: `${name}-moved` } })],
  ] as const) {
    it(`${what}, refused at commit (an owner removed meanwhile): the bare repository never leaves its place, and git fetches meanwhile all find it`, async () => {
      await addMember(t, org, owner, actor, 'admin');
      const name = uniqueName('repo');
      const made = await t.api.post(`/orgs/${org}/repos`, { token: owner.token, body: { name, private: true, auto_init: true } });
      assert.equal(made.status, 201, made.text);
      const { method, body } = request(name);
      const repoPath = `/repos/${org}/${name}`;
      const gitDir = repositoryPath(repositoriesRoot(t.ctx), org, name);
      // git's first request of a fetch or clone (the ref advertisement), by the owner, over and over until the refusal is answered
      let answered = false;
      const fetchUntilAnswered = async (): Promise<string[]> => {
        const problems: string[] = [];
        do {
          const refs = await t.api.call('GET', `${t.provider.url}/${org}/${name}.git/info/refs?service=git-upload-pack`, { basic: { login: owner.user.login, password: owner.token } });
          if (refs.status !== 200 || !/refs\/heads\/main/.test(refs.text)) problems.push(`${refs.status}: ${refs.text.slice(0, 200)}`);
        } while (!answered);
        return problems;
      };
      let fetches: Promise<string[]>[] = [];
      const changed = await namesChangedIn(path.dirname(gitDir), async () => {
        const { answer } = await answerAfter(
          holds,
          (r) => r.method === method && r.url === `/api/v3${repoPath}`,
          () => t.api.call(method, repoPath, { token: actor.token, body }),
          async () => {
            const removed = await t.api.delete(`/orgs/${org}/memberships/${actor.user.login}`, { token: owner.token });
            assert.equal(removed.status, 204, removed.text);
            fetches = [fetchUntilAnswered(), fetchUntilAnswered()];
          },
        );
        answered = true;
        assert.equal(answer.status, 404, answer.text);
      });
      assert.deepEqual(changed, [], 'nothing moved in the directory of the bare repository');
      assert.deepEqual((await Promise.all(fetches)).flat(), [], 'every fetch found the repository');
      assert.equal((await t.api.get(repoPath, { token: owner.token })).json.name, name);
    });
  }

  /**
   * Runs `meanwhile` once, right after the next read of `userId`'s membership of the org through
   * a store other than the provider's own (the delete's or rename's check under the repository's
   * lock, which reads through the store the lock hands it) has answered, before its caller goes
   * on. On the store's class, so that it reaches that other instance.
   */
  function afterNextMembershipRead(userId: number, meanwhile: () => void | Promise<void>): () => void {
    const proto = Object.getPrototypeOf(t.store.memberships) as { get: (orgId: number, userId: number) => Promise<unknown> };
    const get = proto.get;
    proto.get = async function (this: unknown, o: number, u: number) {
      const m = await get.call(this, o, u);
      if (o === orgId && u === userId && this !== t.store.memberships) {
        proto.get = get;
        await meanwhile();
      }
      return m;
    };
    return () => void (proto.get = get);
  }

  for (const [what, request, gone] of [
    ['deleting it', () => ({ method: 'DELETE' as const, body: undefined }), 'repo.destroy'],
    ['renaming it', (name: string) => ({ method: 'PATCH' as const, body: { name: `${name}-moved` } }), 'repo.rename'],
  ] as const) {
    it(`${what}, by an owner demoted just after the check under the repository's lock: PostgreSQL refuses it at commit and puts the bare repository back; SQLite's lock makes the demotion wait`, async () => {
      await addMember(t, org, owner, actor, 'admin');
      const name = uniqueName('repo');
      const made = await t.api.post(`/orgs/${org}/repos`, { token: owner.token, body: { name, private: true, auto_init: true } });
      assert.equal(made.status, 201, made.text);
      const { method, body } = request(name);
      const repoPath = `/repos/${org}/${name}`;
      const gitDir = repositoryPath(repositoriesRoot(t.ctx), org, name);
      const demote = () => t.api.put(`/orgs/${org}/memberships/${actor.user.login}`, { token: owner.token, body: { role: 'member' } });
      let demotion: ReturnType<typeof demote> | undefined;
      let disarm = () => undefined as void;
      let answer!: ApiResponse;
      const changed = await namesChangedIn(path.dirname(gitDir), async () => {
        ({ answer } = await answerAfter(
          holds,
          (r) => r.method === method && r.url === `/api/v3${repoPath}`,
          () => t.api.call(method, repoPath, { token: actor.token, body }),
          async () => {
            // Authorized: the next read of the actor's membership is the check under the lock.
            disarm = afterNextMembershipRead(actor.user.id, async () => {
              demotion = demote();
              // PostgreSQL: the demotion commits now, between the check and the record's transaction.
              // SQLite: the lock is a write transaction, so the demotion waits for the change to commit.
              if (testEngine() === 'postgres') assert.equal((await demotion).status, 200);
            });
          },
        ));
      });
      disarm();
      assert.ok(demotion, 'the demotion was sent after the check under the lock');
      assert.equal((await demotion).status, 200, 'the demotion went through');
      const audited = await t.store.audit.count({ orgId, actorLogin: actor.user.login, action: gone });
      if (testEngine() === 'postgres') {
        assert.equal(answer.status, 403, answer.text);
        assert.equal(answer.json.message, adminRequiredMessage(`${org}/${name}`));
        assert.ok(changed.includes(path.basename(gitDir)), `the bare repository was moved (the window was there), then put back: ${JSON.stringify(changed)}`);
        assert.equal((await t.api.get(repoPath, { token: owner.token })).json.name, name);
        const refs = await t.api.call('GET', `${t.provider.url}/${org}/${name}.git/info/refs?service=git-upload-pack`, { basic: { login: owner.user.login, password: owner.token } });
        assert.match(refs.text, /refs\/heads\/main/, 'the bare repository is back, with its data');
        assert.equal(audited, 0, 'no audit event of the refused write');
      } else {
        assert.equal(answer.status, method === 'DELETE' ? 204 : 200, answer.text);
        if (method === 'DELETE') assert.equal((await t.api.get(repoPath, { token: owner.token })).status, 404);
        else assert.equal((await t.api.get(`${repoPath}-moved`, { token: owner.token })).json.name, `${name}-moved`);
        assert.equal(audited, 1, 'the write, made before the demotion, is in the log');
      }
    });
  }
});
