// The authorization guards, on synthetic principals: method restrictions, classic scopes,
// fine-grained permissions, sudo; and the guard list's extension point.
import * as assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../src/provider/auth/principal';
import type { Guard, GuardInput } from '../../src/provider/authz/guard';
import { guardDenial } from '../../src/provider/authz/authorize';
import { classicScopeGuard, defaultGuards, fineGrainedPermissionGuard, methodGuard, sudoGuard } from '../../src/provider/authz/guards';
import type { AuthRequirement } from '../../src/provider/authz/requirement';
import { ManualClock } from '../../src/provider/clock';
import { createProviderContext } from '../../src/provider/create-context';
import type { Store } from '../../src/provider/store/store';
import type { TokenRecord } from '../../src/provider/store/tokens';
import { EMPTY_USER_PROFILE, type UserRecord } from '../../src/provider/store/users';

const now = new Date('2030-01-01T00:00:00Z');
const clock = new ManualClock(now);
const ctx = createProviderContext({} as Store, { clock });
const user: UserRecord = { id: 1, login: 'a', email: 'a@x.test', name: null, passwordHash: '', siteAdmin: false, twoFactorEnabled: true, profile: EMPTY_USER_PROFILE, createdAt: now, updatedAt: now };

function token(over: Partial<TokenRecord>): TokenRecord {
  return {
    id: 1, userId: 1, kind: 'classic', note: 'n', description: null, noteUrl: null, clientId: null, fingerprint: null, scopes: [],
    resourceOwnerType: null, resourceOwnerId: null, repositorySelection: null, permissions: null, status: 'active', justification: null,
    statusReason: null, expiresAt: null, sudoUntil: null, lastUsedAt: null, tokenLastEight: '', hashedToken: '', createdAt: now, updatedAt: now, ...over,
  };
}
const classic = (scopes: string[], sudoUntil: Date | null = null): Principal => ({ user, token: token({ scopes, sudoUntil }), method: 'token', freshProof: false });
const fine = (permissions: TokenRecord['permissions']): Principal => ({ user, token: token({ kind: 'fine_grained', permissions }), method: 'token', freshProof: false });
const password: Principal = { user, method: 'password', freshProof: true };

function run(guard: Guard, principal: Principal | undefined, requirement: AuthRequirement) {
  const input: GuardInput = { principal, requirement, resource: undefined, request: {} as FastifyRequest, ctx };
  return guard(input);
}

describe('provider authorization guards', () => {
  it('classic scopes: any accepted scope (with hierarchy); absent = classic refused; [] = any', () => {
    assert.equal(run(classicScopeGuard, classic(['repo']), { classicScopes: ['public_repo'] }), undefined);
    assert.equal(run(classicScopeGuard, classic(['read:org']), { classicScopes: ['admin:token', 'read:org'] }), undefined);
    const denied = run(classicScopeGuard, classic(['user']), { classicScopes: ['admin:token'] });
    assert.equal((denied as { status: number }).status, 403);
    assert.match((denied as { message: string }).message, /admin:token/);
    assert.equal(run(classicScopeGuard, classic([]), { classicScopes: [] }), undefined);
    assert.equal((run(classicScopeGuard, classic(['repo']), {}) as { status: number }).status, 403);
    assert.equal(run(classicScopeGuard, password, { classicScopes: ['admin:token'] }), undefined, 'passwords are not scoped');
    assert.equal(run(classicScopeGuard, classic([]), { classicScopes: (_r, res) => (res ? ['repo'] : []) }), undefined, 'per-request scopes');
  });

  it('fine-grained: the route permission, write implies read; "none" = any; absent = refused', () => {
    const p = fine({ repository: { contents: 'write' } });
    assert.equal(run(fineGrainedPermissionGuard, p, { permission: { group: 'repository', name: 'contents', level: 'read' } }), undefined);
    const d = run(fineGrainedPermissionGuard, p, { permission: { group: 'account', name: 'profile', level: 'read' } }) as { status: number; message: string; headers: Record<string, string> };
    assert.equal(d.status, 403);
    assert.match(d.message, /profile/);
    assert.equal(d.headers['X-Accepted-GitHub-Permissions'], 'profile=read');
    assert.equal(run(fineGrainedPermissionGuard, p, { permission: 'none' }), undefined);
    assert.equal((run(fineGrainedPermissionGuard, p, { classicScopes: [] }) as { status: number }).status, 403);
    assert.equal(run(fineGrainedPermissionGuard, classic([]), { classicScopes: [] }), undefined, 'not its concern');
  });

  it('basicOnly / tokenOnly / account tokens', () => {
    assert.equal((run(methodGuard, classic(['repo']), { basicOnly: true }) as { status: number }).status, 401);
    assert.equal(run(methodGuard, password, { basicOnly: true }), undefined);
    assert.equal((run(methodGuard, password, { tokenOnly: true }) as { status: number }).status, 403);
    const acct: Principal = { user, method: 'account-token', freshProof: false };
    assert.equal((run(methodGuard, acct, {}) as { status: number }).status, 403);
    assert.equal(run(methodGuard, acct, { accountToken: true }), undefined);
  });

  it('sudo: fresh proof or an open window; otherwise 403 with X-Tessera-Sudo: required', () => {
    assert.equal(run(sudoGuard, password, { sudo: true }), undefined);
    assert.equal(run(sudoGuard, classic([], new Date(now.getTime() + 1)), { sudo: true }), undefined);
    const d = run(sudoGuard, classic([], new Date(now.getTime())), { sudo: true }) as { status: number; headers: Record<string, string> };
    assert.equal(d.status, 403);
    assert.equal(d.headers['X-Tessera-Sudo'], 'required');
    assert.equal(run(sudoGuard, classic([]), {}), undefined);
  });

  it('extra guards run after scope checks and before sudo', () => {
    const extra: Guard = () => undefined;
    const list = defaultGuards([extra]);
    assert.equal(list.indexOf(extra), list.indexOf(fineGrainedPermissionGuard) + 1);
    assert.equal(list[list.length - 1], sudoGuard);
  });

  it('the guard list: the first denial in order, at once when every guard answers at once; a guard that waits is waited for and the ones after it run then', async () => {
    const ran: string[] = [];
    const guard = (name: string, answer: ReturnType<Guard>): Guard => () => {
      ran.push(name);
      return answer;
    };
    const input = (guards: Guard[]): GuardInput => ({ principal: password, requirement: {}, resource: undefined, request: {} as FastifyRequest, ctx: { ...ctx, guards } });
    const denial = { status: 403 as const, message: 'no' };
    assert.equal(guardDenial(input([guard('a', undefined), guard('b', undefined)])), undefined, 'all pass, no promise');
    assert.deepEqual(ran.splice(0), ['a', 'b']);
    assert.equal(guardDenial(input([guard('a', undefined), guard('b', denial), guard('c', undefined)])), denial, 'the first denial, no promise');
    assert.deepEqual(ran.splice(0), ['a', 'b']);
    const waited = guardDenial(input([guard('a', Promise.resolve(undefined)), guard('b', undefined), guard('c', denial), guard('d', undefined)]));
    assert.ok(waited instanceof Promise);
    assert.deepEqual(ran.splice(0), ['a'], 'the guards after one that waits run once it has answered');
    assert.equal(await waited, denial);
    assert.deepEqual(ran.splice(0), ['b', 'c']);
    assert.equal(await guardDenial(input([guard('a', Promise.resolve(denial)), guard('b', undefined)])), denial);
    assert.deepEqual(ran.splice(0), ['a'], 'a waited denial ends the list');
  });
});
