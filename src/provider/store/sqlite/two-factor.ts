// TOTP secrets are stored encrypted under the provider's data key (secrets/secret-box.ts), each
// bound to its user; the records this store hands out hold them in clear.
import type { DatabaseSync } from 'node:sqlite';
import { DataKeyError } from '../../secrets/data-key';
import { SEALED_PREFIX, SecretBox } from '../../secrets/secret-box';
import type { TwoFactorRecord, TwoFactorStore } from '../two-factor';
import { date, dateOrNull, numOrNull, Row } from './rows';
import { isoTime } from '../../iso-time';
import { allRows, oneRow, statement } from './statements';
import { inTransaction } from './transaction';
import { writeStatement } from './shared-read';

export const secretContext = (userId: number) => `two_factor.secret:${userId}`;

/** Whether any TOTP secret in `db` is stored encrypted (so the data key it was sealed with is needed). */
export function holdsSealedTwoFactorSecrets(db: DatabaseSync): boolean {
  return statement(db, 'SELECT 1 AS x FROM two_factor WHERE secret LIKE ? LIMIT 1').get(`${SEALED_PREFIX}%`) !== undefined;
}

/**
 * Removes two-factor authentication (secrets and recovery codes) from every account and forgets
 * the data key the secrets were encrypted with: the way out when that key is lost for good.
 * Returns how many accounts had two-factor set up or pending.
 */
export function resetAllTwoFactor(db: DatabaseSync): number {
  writeStatement(db);
  db.exec('BEGIN IMMEDIATE');
  try {
    const { n } = statement(db, 'SELECT COUNT(*) AS n FROM two_factor').get() as { n: number };
    db.exec('DELETE FROM recovery_codes; DELETE FROM two_factor; DELETE FROM data_key;');
    db.exec('COMMIT');
    return Number(n);
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

export const keyReplaced = () => new DataKeyError('the database was given another data key while this provider ran: restart the provider');

export function toRecord(r: Row, box: SecretBox): TwoFactorRecord {
  const userId = Number(r.user_id);
  return {
    userId,
    secret: box.open(String(r.secret), secretContext(userId)),
    enabled: Number(r.enabled) === 1,
    lastTimeStep: numOrNull(r.last_time_step),
    createdAt: date(r.created_at),
    enabledAt: dateOrNull(r.enabled_at),
  };
}

export class SqliteTwoFactorStore implements TwoFactorStore {
  constructor(
    private readonly db: DatabaseSync,
    private readonly box: SecretBox,
  ) {}

  async get(userId: number): Promise<TwoFactorRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM two_factor WHERE user_id = ?', userId) as Row | undefined;
    return r ? toRecord(r, this.box) : undefined;
  }

  async beginSetup(userId: number, secret: string, now: Date): Promise<boolean> {
    // Written only while the database still belongs to this provider's key (in the same
    // statement), so no secret is ever sealed under a key another process has replaced.
    const r = statement(this.db,
        `INSERT INTO two_factor (user_id, secret, enabled, last_time_step, created_at, enabled_at)
         SELECT ?, ?, 0, NULL, ?, NULL WHERE EXISTS (SELECT 1 FROM data_key WHERE id = 1 AND key_id = ?)
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, enabled = 0, last_time_step = NULL,
           created_at = excluded.created_at, enabled_at = NULL
         WHERE two_factor.enabled = 0`,
      )
      .run(userId, this.box.seal(secret, secretContext(userId)), isoTime(now), this.box.keyId);
    if (Number(r.changes) === 1) return true;
    if (oneRow(this.db, 'SELECT 1 AS x FROM two_factor WHERE user_id = ? AND enabled = 1', userId)) return false;
    throw keyReplaced();
  }

  /**
   * Encrypts the TOTP secrets stored in clear (by a provider from before they were encrypted).
   * Each row is replaced only if it still holds the value read (another process may be at it too).
   */
  sealPlaintextSecrets(): number {
    let sealed = 0;
    writeStatement(this.db);
    this.db.exec('BEGIN IMMEDIATE');
    try {
      if (!oneRow(this.db, 'SELECT 1 AS x FROM data_key WHERE id = 1 AND key_id = ?', this.box.keyId)) throw keyReplaced();
      const rows = allRows(this.db, 'SELECT user_id, secret FROM two_factor WHERE secret NOT LIKE ?', `${SEALED_PREFIX}%`);
      const update = statement(this.db, 'UPDATE two_factor SET secret = ? WHERE user_id = ? AND secret = ?');
      for (const r of rows) {
        const userId = Number(r.user_id);
        sealed += Number(update.run(this.box.seal(String(r.secret), secretContext(userId)), userId, String(r.secret)).changes);
      }
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
    return sealed;
  }

  async enable(userId: number, secret: string, timeStep: number, recoveryCodeDigests: string[], now: Date): Promise<boolean> {
    return inTransaction(this.db, () => {
      const pending = oneRow(this.db, 'SELECT * FROM two_factor WHERE user_id = ? AND enabled = 0', userId) as Row | undefined;
      if (!pending || toRecord(pending, this.box).secret !== secret) return false;
      const r = statement(this.db, 'UPDATE two_factor SET enabled = 1, enabled_at = ?, last_time_step = ? WHERE user_id = ? AND enabled = 0')
        .run(isoTime(now), timeStep, userId);
      if (Number(r.changes) !== 1) return false;
      this.writeRecoveryCodes(userId, recoveryCodeDigests);
      return true;
    });
  }

  async replaceRecoveryCodes(userId: number, recoveryCodeDigests: string[]): Promise<boolean> {
    return inTransaction(this.db, () => {
      if (!oneRow(this.db, 'SELECT 1 AS x FROM two_factor WHERE user_id = ? AND enabled = 1', userId)) return false;
      this.writeRecoveryCodes(userId, recoveryCodeDigests);
      return true;
    });
  }

  /** Inside a transaction: every recovery code of the user becomes one of these digests. */
  private writeRecoveryCodes(userId: number, recoveryCodeDigests: string[]): void {
    statement(this.db, 'DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
    const ins = statement(this.db, 'INSERT INTO recovery_codes (user_id, code_digest) VALUES (?, ?)');
    for (const d of recoveryCodeDigests) ins.run(userId, d);
  }

  async disable(userId: number): Promise<boolean> {
    return inTransaction(this.db, () => {
      const r = statement(this.db, 'DELETE FROM two_factor WHERE user_id = ?').run(userId);
      statement(this.db, 'DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
      return Number(r.changes) > 0;
    });
  }

  async acceptTimeStep(userId: number, timeStep: number): Promise<boolean> {
    const r = statement(this.db, 'UPDATE two_factor SET last_time_step = ? WHERE user_id = ? AND (last_time_step IS NULL OR last_time_step < ?)')
      .run(timeStep, userId, timeStep);
    return Number(r.changes) === 1;
  }

  async useRecoveryCode(userId: number, codeDigest: string, now: Date): Promise<boolean> {
    const r = statement(this.db,
        `UPDATE recovery_codes SET used_at = ? WHERE id = (
           SELECT id FROM recovery_codes WHERE user_id = ? AND code_digest = ? AND used_at IS NULL LIMIT 1)`,
      )
      .run(isoTime(now), userId, codeDigest);
    return Number(r.changes) === 1;
  }

  async remainingRecoveryCodes(userId: number): Promise<number> {
    const { n } = oneRow(this.db, 'SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL', userId) as { n: number };
    return Number(n);
  }
}
