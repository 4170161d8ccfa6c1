// Password hashing with scrypt (node:crypto). The parameters are stored with the hash
// (`scrypt$N$r$p$salt$hash`, base64url) so they can be raised later; `needsRehash` says when a
// stored hash is weaker than the current parameters, and a successful sign-in stores the password
// again at the current ones (auth/sign-in.ts). The provider hashes and verifies through a
// PasswordHasher (ctx.passwords), which runs only a few scrypt computations at once: each takes
// 32 MiB and a core for tens of milliseconds, so a burst of sign-ins queues instead of exhausting
// the machine.
import { availableParallelism } from 'node:os';
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { Semaphore } from '../semaphore';

interface ScryptParams {
  N: number;
  r: number;
  p: number;
  keyLength: number;
}

/**
 * N = 2^15, r = 8, p = 3: one of OWASP's minimum settings for scrypt, the one at 32 MiB of memory
 * per hash (its N = 2^17, p = 1 takes 128 MiB: the embedded provider shares the editor's process).
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 3, keyLength: 32 };

/** Passwords longer than this are refused before hashing (bounds the work per attempt). */
export const MAX_PASSWORD_LENGTH = 1024;
export const MIN_PASSWORD_LENGTH = 8;

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(
      password.normalize('NFC'),
      salt,
      params.keyLength,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface Parsed {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((x) => Number.isInteger(x) && x > 0)) return undefined;
  const salt = Buffer.from(parts[4], 'base64url');
  const key = Buffer.from(parts[5], 'base64url');
  return { params: { N, r, p, keyLength: key.length }, salt, key };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await scrypt(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** The work one scrypt computation takes, in units of N·r (its p lanes run one after the other). */
function lanesOf(params: ScryptParams, at: ScryptParams): number {
  return (params.N * params.r * params.p) / (at.N * at.r);
}

/**
 * How many scrypt lanes at `params` (N, r) a verification of `password` against `stored` must add
 * so that it costs what a verification at `params` costs: a hash stored with weaker parameters
 * (before they were raised), a malformed one or a password too long to hash would otherwise answer
 * sooner than verifyUnknown does, and the time would tell that the login exists. 0 when none.
 */
export function paddingLanes(password: string, stored: string, params: ScryptParams = DEFAULT_SCRYPT): number {
  const parsed = password.length <= MAX_PASSWORD_LENGTH ? parse(stored) : undefined;
  const done = parsed ? lanesOf(parsed.params, params) : 0;
  return Math.max(0, Math.ceil(params.p - done));
}

export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  return parsed.params.N < params.N || parsed.params.r < params.r || parsed.params.p < params.p || parsed.params.keyLength < params.keyLength;
}

/** Hashing and verification as the provider does them: bounded in how many run at once. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /**
   * Spends the same work as verifying a real password, for a login that does not exist, so the
   * answer time doesn't tell whether the login exists. Always false.
   */
  verifyUnknown(password: string): Promise<false>;
  /** Whether `stored` was hashed with weaker parameters than this hasher's (so is worth hashing again). */
  needsRehash(stored: string): boolean;
}

/** How many scrypt computations a provider runs at once by default: one per core, at least 2. */
export function defaultHashConcurrency(): number {
  return Math.max(2, availableParallelism());
}

const PADDING_SALT = Buffer.alloc(16);

/** `slots`: the semaphore every hash and verification takes (default: defaultHashConcurrency() slots). */
export function boundedPasswordHasher(opts: { slots?: Semaphore; params?: ScryptParams } = {}): PasswordHasher {
  const slots = opts.slots ?? new Semaphore(defaultHashConcurrency());
  const params = opts.params ?? DEFAULT_SCRYPT;
  let dummyHash: Promise<string> | undefined;
  const hasher: PasswordHasher = {
    hash: (password) => slots.run(() => hashPassword(password, params)),
    verify: (password, stored) =>
      slots.run(async () => {
        const ok = await verifyPassword(password, stored);
        const lanes = paddingLanes(password, stored, params);
        if (lanes) await scrypt('', PADDING_SALT, { ...params, p: lanes });
        return ok;
      }),
    async verifyUnknown(password) {
      dummyHash ??= hasher.hash(randomBytes(16).toString('hex'));
      await hasher.verify(password.slice(0, MAX_PASSWORD_LENGTH), await dummyHash);
      return false;
    },
    needsRehash: (stored) => needsRehash(stored, params),
  };
  return hasher;
}
