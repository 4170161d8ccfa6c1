// The extension's repository actions over a stand-in transport: which endpoint each one calls, and
// the provider's refusals in words a person can act on (src/extension/repos/repository-service.ts).
import * as assert from 'node:assert/strict';
import { createRepository, deleteRepository, explain, ownerChoices, repositoryNameProblem } from '../../src/extension/repos/repository-service';
import { TesseraError, type AccountInfo } from '../../src/extension/services';

const alice: AccountInfo = { id: 'https://127.0.0.1:47443#1', providerOrigin: 'https://127.0.0.1:47443', userId: 1, login: 'alice', twoFactorEnabled: false };

function recorder(answer: (method: string, path: string, body: unknown) => unknown) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  return {
    calls,
    services: {
      api: async <T>(_accountId: string, method: string, path: string, body?: unknown): Promise<T> => {
        calls.push({ method, path, body });
        return (await answer(method, path, body)) as T;
      },
    },
  };
}

describe('extension: repository actions', () => {
  it('creates for the user with POST /user/repos and for an organization with POST /orgs/{org}/repos', async () => {
    const r = recorder((_m, path, body) => ({ full_name: `${path}:${(body as { name: string }).name}` }));
    await createRepository(r.services, alice, { owner: 'alice', name: ' demo ', visibility: 'private', description: '  A demo ' });
    await createRepository(r.services, alice, { owner: 'acme', name: 'site', visibility: 'public' });
    assert.deepEqual(r.calls, [
      { method: 'POST', path: '/user/repos', body: { name: 'demo', visibility: 'private', description: 'A demo' } },
      { method: 'POST', path: '/orgs/acme/repos', body: { name: 'site', visibility: 'public' } },
    ]);
  });

  it('a taken name, a missing organization and a missing repository are said plainly', async () => {
    const taken = recorder(() => {
      throw new TesseraError('validation', 'Validation Failed: name: name already exists on this account', { status: 422, fieldErrors: [{ field: 'name', message: 'name already exists on this account', code: 'already_exists' }] });
    });
    await assert.rejects(createRepository(taken.services, alice, { owner: 'alice', name: 'demo', visibility: 'private' }), (e: TesseraError) => e.kind === 'validation' && e.message === 'alice/demo already exists on Tessera.');
    const noOrg = recorder(() => {
      throw new TesseraError('not-found', 'Not Found', { status: 404 });
    });
    await assert.rejects(createRepository(noOrg.services, alice, { owner: 'ghost', name: 'x', visibility: 'private' }), /no organization ghost on Tessera that alice belongs to/);
    await assert.rejects(deleteRepository(noOrg.services, alice.id, 'alice', 'gone'), /alice\/gone does not exist on Tessera any more/);
    assert.deepEqual(noOrg.calls.at(-1), { method: 'DELETE', path: '/repos/alice/gone', body: undefined });
  });

  it('a sign-in without the repo or delete_repo scope becomes "sign in again" (signed-out, which offers Sign In)', () => {
    const old = explain(new TesseraError('forbidden', 'Token lacks the required scope: one of repo, public_repo', { status: 403 }), 'create alice/demo') as TesseraError;
    assert.equal(old.kind, 'signed-out');
    assert.match(old.message, /may not create alice\/demo.*Sign in again/);
    assert.equal((explain(new TesseraError('forbidden', 'Token lacks the required scope: delete_repo'), 'delete alice/demo') as TesseraError).kind, 'signed-out');
    const policy = explain(new TesseraError('forbidden', 'acme forbids classic tokens'), 'create acme/site') as TesseraError;
    assert.equal(policy.kind, 'forbidden');
    assert.equal(policy.message, 'You may not create acme/site: acme forbids classic tokens');
    const down = new TesseraError('provider-down', 'Provider at https://127.0.0.1:47443 is not reachable');
    assert.equal(explain(down, 'x'), down, 'provider down, network and expired sign-in pass through to showError');
  });

  it('owners: the user, then only the organizations the user administers (active memberships)', async () => {
    const m = (login: string, role: string, state = 'active') => ({ state, role, organization: { login } });
    const r = recorder(() => [m('zeta', 'admin'), m('acme', 'admin'), m('beta', 'member'), m('pend', 'admin', 'pending')]);
    assert.deepEqual(await ownerChoices(r.services, alice), [
      { login: 'alice', isUser: true },
      { login: 'acme', isUser: false },
      { login: 'zeta', isUser: false },
    ]);
  });

  it('repository names: what the provider takes', () => {
    assert.equal(repositoryNameProblem('my-project_1.x'), undefined);
    for (const bad of ['', '  ', 'a b', 'a/b', '.', '..', 'x.git', 'ü', 'x'.repeat(101)]) assert.ok(repositoryNameProblem(bad), bad);
  });
});
