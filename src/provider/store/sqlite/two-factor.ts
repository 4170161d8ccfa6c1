import type { DatabaseSync } from 'node:sqlite';
import type { TwoFactorRecord, TwoFactorStore } from '../two-factor';
import { date, dateOrNull, iso, numOrNull, Row } from './rows';

function toRecord(r: Row): TwoFactorRecord {
  return {
    userId: Number(r.user_id),
    secret: String(r.secret),
    enabled: Number(r.enabled) === 1,
    lastTimeStep: numOrNull(r.last_time_step),
    createdAt: date(r.created_at),
    enabledAt: dateOrNull(r.enabled_at),
  };
}

export class SqliteTwoFactorStore implements TwoFactorStore {
  constructor(private readonly db: DatabaseSync) {}

  async get(userId: number): Promise<TwoFactorRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM two_factor WHERE user_id = ?').get(userId) as Row | undefined;
    return r ? toRecord(r) : undefined;
  }

  async beginSetup(userId: number, secret: string, now: Date): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO two_factor (user_id, secret, enabled, last_time_step, created_at, enabled_at)
         VALUES (?, ?, 0, NULL, ?, NULL)
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, enabled = 0, last_time_step = NULL,
           created_at = excluded.created_at, enabled_at = NULL`,
      )
      .run(userId, secret, iso(now));
  }

  async enable(userId: number, timeStep: number, recoveryCodeDigests: string[], now: Date): Promise<boolean> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const r = this.db
        .prepare('UPDATE two_factor SET enabled = 1, enabled_at = ?, last_time_step = ? WHERE user_id = ? AND enabled = 0')
        .run(iso(now), timeStep, userId);
      if (Number(r.changes) !== 1) {
        this.db.exec('ROLLBACK');
        return false;
      }
      this.db.prepare('DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
      const ins = this.db.prepare('INSERT INTO recovery_codes (user_id, code_digest) VALUES (?, ?)');
      for (const d of recoveryCodeDigests) ins.run(userId, d);
      this.db.exec('COMMIT');
      return true;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  async disable(userId: number): Promise<boolean> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const r = this.db.prepare('DELETE FROM two_factor WHERE user_id = ?').run(userId);
      this.db.prepare('DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
      this.db.exec('COMMIT');
      return Number(r.changes) > 0;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  async acceptTimeStep(userId: number, timeStep: number): Promise<boolean> {
    const r = this.db
      .prepare('UPDATE two_factor SET last_time_step = ? WHERE user_id = ? AND (last_time_step IS NULL OR last_time_step < ?)')
      .run(timeStep, userId, timeStep);
    return Number(r.changes) === 1;
  }

  async useRecoveryCode(userId: number, codeDigest: string, now: Date): Promise<boolean> {
    const r = this.db
      .prepare(
        `UPDATE recovery_codes SET used_at = ? WHERE id = (
           SELECT id FROM recovery_codes WHERE user_id = ? AND code_digest = ? AND used_at IS NULL LIMIT 1)`,
      )
      .run(iso(now), userId, codeDigest);
    return Number(r.changes) === 1;
  }

  async remainingRecoveryCodes(userId: number): Promise<number> {
    const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL').get(userId) as { n: number };
    return Number(n);
  }
}
