import type { DeviceCodeRecord, DeviceCodeStore, NewDeviceCode } from '../device-codes';
import { deviceCodeUniqueField, toDeviceCode } from '../sqlite/device-codes';
import { mapUnique, PgDb } from './database';

export class PgDeviceCodeStore implements DeviceCodeStore {
  constructor(private readonly db: PgDb) {}

  async create(c: NewDeviceCode): Promise<DeviceCodeRecord> {
    const r = await mapUnique(
      this.db,
      () =>
        this.db.write(
          `INSERT INTO oauth_device_codes (app_id, device_code_digest, user_code_digest, scopes, status, interval_seconds, expires_at, created_at)
           VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7) RETURNING *`,
          [c.appId, c.deviceCodeDigest, c.userCodeDigest, JSON.stringify(c.scopes), c.intervalSeconds, c.expiresAt, c.createdAt],
        ),
      deviceCodeUniqueField,
    );
    return toDeviceCode(r.rows[0]);
  }

  async byId(id: number): Promise<DeviceCodeRecord | undefined> {
    const r = await this.db.row('SELECT * FROM oauth_device_codes WHERE id = $1', [id]);
    return r ? toDeviceCode(r) : undefined;
  }

  async byDeviceCodeDigest(digest: string): Promise<DeviceCodeRecord | undefined> {
    const r = await this.db.row('SELECT * FROM oauth_device_codes WHERE device_code_digest = $1', [digest]);
    return r ? toDeviceCode(r) : undefined;
  }

  async byUserCodeDigest(digest: string): Promise<DeviceCodeRecord | undefined> {
    const r = await this.db.row('SELECT * FROM oauth_device_codes WHERE user_code_digest = $1', [digest]);
    return r ? toDeviceCode(r) : undefined;
  }

  async recordPoll(id: number, now: Date, minGapMs: number): Promise<boolean> {
    const changed = await this.db.changes(
      `UPDATE oauth_device_codes SET last_polled_at = $1 WHERE id = $2 AND status = 'pending' AND (last_polled_at IS NULL OR last_polled_at <= $3)`,
      [now, id, new Date(now.getTime() - minGapMs)],
    );
    return changed > 0;
  }

  async slowDown(id: number, seconds: number): Promise<number> {
    const r = await this.db.write('UPDATE oauth_device_codes SET interval_seconds = interval_seconds + $1 WHERE id = $2 RETURNING interval_seconds', [seconds, id]);
    return r.rows[0] ? Number(r.rows[0].interval_seconds) : 0;
  }

  async decide(id: number, decision: 'approved' | 'denied', userId: number, now: Date): Promise<DeviceCodeRecord | undefined> {
    const r = await this.db.write(
      `UPDATE oauth_device_codes SET status = $1, user_id = $2, ticket_digest = NULL, ticket_user_id = NULL, ticket_expires_at = NULL
       WHERE id = $3 AND status = 'pending' AND expires_at > $4 RETURNING *`,
      [decision, userId, id, now],
    );
    return r.rows[0] ? toDeviceCode(r.rows[0]) : undefined;
  }

  async markUsed(id: number, tokenId: number, now: Date): Promise<boolean> {
    const changed = await this.db.changes(`UPDATE oauth_device_codes SET status = 'used', token_id = $1 WHERE id = $2 AND status = 'approved' AND expires_at > $3`, [
      tokenId,
      id,
      now,
    ]);
    return changed > 0;
  }

  async setTicket(id: number, ticket: { digest: string; userId: number; expiresAt: Date }): Promise<void> {
    await this.db.write('UPDATE oauth_device_codes SET ticket_digest = $1, ticket_user_id = $2, ticket_expires_at = $3 WHERE id = $4', [
      ticket.digest,
      ticket.userId,
      ticket.expiresAt,
      id,
    ]);
  }

  async takeTicket(digest: string, now: Date): Promise<{ code: DeviceCodeRecord; userId: number } | undefined> {
    // One statement: of two requests with the same ticket, only the first finds it.
    const r = await this.db.write(
      `UPDATE oauth_device_codes d SET ticket_digest = NULL, ticket_user_id = NULL, ticket_expires_at = NULL
       FROM (SELECT id, ticket_user_id FROM oauth_device_codes
             WHERE ticket_digest = $1 AND ticket_expires_at > $2 AND status = 'pending' AND expires_at > $2 FOR UPDATE) old
       WHERE d.id = old.id RETURNING d.*, old.ticket_user_id AS taken_by`,
      [digest, now],
    );
    const row = r.rows[0];
    return row ? { code: toDeviceCode(row), userId: Number(row.taken_by) } : undefined;
  }

  async deleteExpired(before: Date): Promise<number> {
    return this.db.changes('DELETE FROM oauth_device_codes WHERE expires_at < $1', [before]);
  }
}
