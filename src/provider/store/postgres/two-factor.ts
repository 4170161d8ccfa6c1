// TOTP secrets are stored encrypted under the data key (secrets/secret-box.ts), as on SQLite.
import { SEALED_PREFIX, type SecretBox } from '../../secrets/secret-box';
import type { TwoFactorRecord, TwoFactorStore } from '../two-factor';
import { keyReplaced, secretContext, toRecord } from '../sqlite/two-factor';
import type { PgDb } from './database';

/** Whether any TOTP secret is stored encrypted (so the data key it was sealed with is needed). */
export async function holdsSealedTwoFactorSecrets(db: { query(sql: string, values?: unknown[]): Promise<{ rows: unknown[] }> }): Promise<boolean> {
  return (await db.query('SELECT 1 FROM two_factor WHERE secret LIKE $1 LIMIT 1', [`${SEALED_PREFIX}%`])).rows.length > 0;
}

export class PgTwoFactorStore implements TwoFactorStore {
  constructor(
    private readonly db: PgDb,
    private readonly box: SecretBox,
  ) {}

  async get(userId: number): Promise<TwoFactorRecord | undefined> {
    const r = await this.db.row('SELECT * FROM two_factor WHERE user_id = $1', [userId]);
    return r ? toRecord(r, this.box) : undefined;
  }

  async beginSetup(userId: number, secret: string, now: Date): Promise<boolean> {
    // Written only while the database still belongs to this provider's key (in the same
    // statement), so no secret is ever sealed under a key another replica has replaced.
    const n = await this.db.changes(
      `INSERT INTO two_factor (user_id, secret, enabled, last_time_step, created_at, enabled_at)
       SELECT $1, $2, FALSE, NULL, $3, NULL WHERE EXISTS (SELECT 1 FROM data_key WHERE id = 1 AND key_id = $4)
       ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, enabled = FALSE, last_time_step = NULL,
         created_at = excluded.created_at, enabled_at = NULL
       WHERE two_factor.enabled = FALSE`,
      [userId, this.box.seal(secret, secretContext(userId)), now, this.box.keyId],
    );
    if (n === 1) return true;
    if (await this.db.row('SELECT 1 FROM two_factor WHERE user_id = $1 AND enabled = TRUE', [userId])) return false;
    throw keyReplaced();
  }

  async enable(userId: number, secret: string, timeStep: number, recoveryCodeDigests: string[], now: Date): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // The row lock orders this against a concurrent setup begun again (or another enable).
      const pending = await tx.row('SELECT * FROM two_factor WHERE user_id = $1 AND enabled = FALSE FOR UPDATE', [userId]);
      if (!pending || toRecord(pending, this.box).secret !== secret) return false;
      const n = await tx.changes(
        'UPDATE two_factor SET enabled = TRUE, enabled_at = $1, last_time_step = $2 WHERE user_id = $3 AND enabled = FALSE',
        [now, timeStep, userId],
      );
      if (n !== 1) return false;
      await writeRecoveryCodes(tx, userId, recoveryCodeDigests);
      return true;
    });
  }

  async replaceRecoveryCodes(userId: number, recoveryCodeDigests: string[]): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // The row lock orders this against a concurrent disable or another replacement.
      if (!(await tx.row('SELECT user_id FROM two_factor WHERE user_id = $1 AND enabled = TRUE FOR UPDATE', [userId]))) return false;
      await writeRecoveryCodes(tx, userId, recoveryCodeDigests);
      return true;
    });
  }

  async disable(userId: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const n = await tx.changes('DELETE FROM two_factor WHERE user_id = $1', [userId]);
      await tx.write('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
      return n > 0;
    });
  }

  async acceptTimeStep(userId: number, timeStep: number): Promise<boolean> {
    // A concurrent update of the row makes PostgreSQL re-check the condition on the new version.
    const n = await this.db.changes(
      'UPDATE two_factor SET last_time_step = $1 WHERE user_id = $2 AND (last_time_step IS NULL OR last_time_step < $1)',
      [timeStep, userId],
    );
    return n === 1;
  }

  async useRecoveryCode(userId: number, codeDigest: string, now: Date): Promise<boolean> {
    // The outer `used_at IS NULL` is re-checked against a concurrent use of the same code.
    const n = await this.db.changes(
      `UPDATE recovery_codes SET used_at = $1 WHERE used_at IS NULL AND id = (
         SELECT id FROM recovery_codes WHERE user_id = $2 AND code_digest = $3 AND used_at IS NULL LIMIT 1)`,
      [now, userId, codeDigest],
    );
    return n === 1;
  }

  async remainingRecoveryCodes(userId: number): Promise<number> {
    return Number((await this.db.row('SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL', [userId]))!.n);
  }
}

/** Inside a transaction: every recovery code of the user becomes one of these digests. */
async function writeRecoveryCodes(tx: { write(sql: string, args?: unknown[]): Promise<unknown> }, userId: number, recoveryCodeDigests: string[]): Promise<void> {
  await tx.write('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
  if (recoveryCodeDigests.length) {
    await tx.write('INSERT INTO recovery_codes (user_id, code_digest) SELECT $1, d FROM unnest($2::text[]) AS d', [userId, recoveryCodeDigests]);
  }
}
