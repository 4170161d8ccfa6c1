// Builders for the store contract: an empty store per test, and the rows most tests need.
import { createHash, randomBytes } from 'node:crypto';
import { uniqueName } from '../../builders/unique-name';
import type { TokenKind } from '../../../src/shared/token-format';
import type { OrganizationRecord } from '../../../src/provider/store/organizations';
import type { NewToken, Store, TokenRecord, UserRecord } from '../../../src/provider/store/store';

/** An empty, migrated store, and how to dispose of it. */
export type StoreFactory = () => Promise<{ store: Store; dispose(): Promise<void> }>;

export const T0 = new Date('2026-01-01T00:00:00.000Z');
export const at = (ms: number): Date => new Date(T0.getTime() + ms);
export const MINUTE = 60_000;

/** A fresh store for each test of the calling `describe`. */
export function withStore(makeStore: StoreFactory): { readonly store: Store } {
  const holder: { store: Store; dispose?: () => Promise<void> } = { store: undefined as unknown as Store };
  beforeEach(async () => {
    const made = await makeStore();
    holder.store = made.store;
    holder.dispose = made.dispose;
  });
  afterEach(async () => {
    await holder.dispose?.();
  });
  return holder;
}

export async function makeUser(store: Store, login = uniqueName('user')): Promise<UserRecord> {
  return store.users.create({ login, email: `${login}@example.test`, passwordHash: 'scrypt$x', siteAdmin: false, createdAt: T0 });
}

export function digest(): string {
  return createHash('sha256').update(randomBytes(16)).digest('hex');
}

export async function makeToken(store: Store, userId: number, over: Partial<NewToken> = {}): Promise<TokenRecord> {
  const kind: TokenKind = over.kind ?? 'classic';
  return store.tokens.create({
    userId,
    kind,
    note: uniqueName('token'),
    scopes: kind === 'classic' ? ['repo'] : [],
    status: 'active',
    expiresAt: null,
    tokenLastEight: 'abcd1234',
    hashedToken: digest(),
    createdAt: T0,
    ...over,
  });
}

export async function makeOrg(store: Store, creatorId: number, login = uniqueName('org')): Promise<OrganizationRecord> {
  return store.organizations.create({ login, createdBy: creatorId, createdAt: T0 });
}

/** Resolves after a macrotask, so other requests' work can run in between. */
export function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
