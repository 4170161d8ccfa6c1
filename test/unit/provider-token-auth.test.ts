// Token authentication logic against a stub store: a bad checksum is refused before any
// database look-up; revoked → Bad credentials; expired → "token expired"; last_used_at writes
// at most once a minute.
import * as assert from 'node:assert/strict';
import { authenticateToken } from '../../src/provider/auth/token-auth';
import { ManualClock } from '../../src/provider/clock';
import { createProviderContext } from '../../src/provider/create-context';
import { HttpError } from '../../src/provider/http/errors';
import type { Store } from '../../src/provider/store/store';
import type { TokenRecord } from '../../src/provider/store/tokens';
import { EMPTY_USER_PROFILE, type UserRecord } from '../../src/provider/store/users';
import { generateToken, lastEight, tokenDigest } from '../../src/shared/token-format';

const now = new Date('2030-01-01T00:00:00Z');
const user: UserRecord = {
  id: 7, login: 'ada', email: 'ada@example.test', name: null, passwordHash: 'x', siteAdmin: false, twoFactorEnabled: false, profile: EMPTY_USER_PROFILE, createdAt: now, updatedAt: now,
};

function tokenRecord(secret: string, over: Partial<TokenRecord> = {}): TokenRecord {
  return {
    id: 1, userId: 7, kind: 'classic', note: 'n', description: null, noteUrl: null, clientId: null, fingerprint: null, scopes: ['repo'],
    resourceOwnerType: null, resourceOwnerId: null, repositorySelection: null, permissions: null, status: 'active', justification: null,
    statusReason: null, expiresAt: null, sudoUntil: null, lastUsedAt: null, tokenLastEight: lastEight(secret), hashedToken: tokenDigest(secret),
    createdAt: now, updatedAt: now, ...over,
  };
}

function stubStore(tokens: TokenRecord[]) {
  const calls = { byDigest: 0, touch: 0 };
  const store = {
    changeVersion: () => undefined, // cannot tell: nothing cached, every call looks up
    tokens: {
      async byDigestWithUser(d: string) {
        calls.byDigest++;
        const token = tokens.find((t) => t.hashedToken === d);
        return token && token.userId === user.id ? { token, user } : undefined;
      },
      async touchLastUsed(id: number, at: Date) {
        calls.touch++;
        const t = tokens.find((x) => x.id === id)!;
        t.lastUsedAt = at;
        return true;
      },
    },
  } as unknown as Store;
  return { store, calls };
}

async function rejectsWith(call: () => unknown, status: number, message: string) {
  await assert.rejects(async () => call(), (e: unknown) => e instanceof HttpError && e.status === status && e.message === message);
}

describe('provider token authentication', () => {
  it('refuses a bad checksum without looking anything up', async () => {
    const { store, calls } = stubStore([]);
    const ctx = createProviderContext(store, { clock: new ManualClock(now) });
    const good = generateToken('classic');
    const bad = good.slice(0, 10) + (good[10] === 'a' ? 'b' : 'a') + good.slice(11);
    await rejectsWith(() => authenticateToken(ctx, bad), 401, 'Bad credentials');
    await rejectsWith(() => authenticateToken(ctx, 'tsp_nope'), 401, 'Bad credentials');
    assert.equal(calls.byDigest, 0);
    await rejectsWith(() => authenticateToken(ctx, good), 401, 'Bad credentials');
    assert.equal(calls.byDigest, 1, 'a well-formed unknown token is looked up');
  });

  it('authenticates an active token as its user; revoked and expired are refused', async () => {
    const active = generateToken('classic');
    const revoked = generateToken('classic');
    const expired = generateToken('classic');
    const { store } = stubStore([
      tokenRecord(active, { id: 1 }),
      tokenRecord(revoked, { id: 2, status: 'revoked' }),
      tokenRecord(expired, { id: 3, expiresAt: new Date(now.getTime() - 1) }),
    ]);
    const ctx = createProviderContext(store, { clock: new ManualClock(now) });
    const p = await authenticateToken(ctx, active);
    assert.equal(p.user.login, 'ada');
    assert.equal(p.method, 'token');
    assert.equal(p.freshProof, false);
    assert.equal(p.token?.id, 1);
    await rejectsWith(() => authenticateToken(ctx, revoked), 401, 'Bad credentials');
    await rejectsWith(() => authenticateToken(ctx, expired), 401, 'token expired');
  });

  it('writes last_used_at at most once a minute', async () => {
    const secret = generateToken('classic');
    const { store, calls } = stubStore([tokenRecord(secret)]);
    const clock = new ManualClock(now);
    const ctx = createProviderContext(store, { clock });
    await authenticateToken(ctx, secret);
    clock.advance(59_000);
    await authenticateToken(ctx, secret);
    assert.equal(calls.touch, 1);
    clock.advance(1_000);
    await authenticateToken(ctx, secret);
    assert.equal(calls.touch, 2);
  });
});
