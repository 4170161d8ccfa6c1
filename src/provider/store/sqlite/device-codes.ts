import type { DatabaseSync } from 'node:sqlite';
import type { DeviceCodeRecord, DeviceCodeStatus, DeviceCodeStore, NewDeviceCode } from '../device-codes';
import { date, dateOrNull, mapUnique, numOrNull, Row } from './rows';
import { isoTime } from '../../iso-time';
import { statement, oneRow } from './statements';
import { inTransaction } from './transaction';

export function toDeviceCode(r: Row): DeviceCodeRecord {
  return {
    id: Number(r.id),
    appId: Number(r.app_id),
    deviceCodeDigest: String(r.device_code_digest),
    userCodeDigest: String(r.user_code_digest),
    scopes: JSON.parse(String(r.scopes)) as string[],
    status: r.status as DeviceCodeStatus,
    userId: numOrNull(r.user_id),
    tokenId: numOrNull(r.token_id),
    intervalSeconds: Number(r.interval_seconds),
    lastPolledAt: dateOrNull(r.last_polled_at),
    expiresAt: date(r.expires_at),
    createdAt: date(r.created_at),
  };
}

/** Which digest a unique violation is about, by the constraint's column. */
export function deviceCodeUniqueField(message: string): string {
  return /user_code/.test(message) ? 'user_code' : 'device_code';
}

export class SqliteDeviceCodeStore implements DeviceCodeStore {
  constructor(private readonly db: DatabaseSync) {}

  async create(c: NewDeviceCode): Promise<DeviceCodeRecord> {
    const r = mapUnique(
      () =>
        statement(
          this.db,
          `INSERT INTO oauth_device_codes (app_id, device_code_digest, user_code_digest, scopes, status, interval_seconds, expires_at, created_at)
           VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
        ).run(c.appId, c.deviceCodeDigest, c.userCodeDigest, JSON.stringify(c.scopes), c.intervalSeconds, isoTime(c.expiresAt), isoTime(c.createdAt)),
      deviceCodeUniqueField,
    );
    return (await this.byId(Number(r.lastInsertRowid)))!;
  }

  async byId(id: number): Promise<DeviceCodeRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM oauth_device_codes WHERE id = ?', id) as Row | undefined;
    return r ? toDeviceCode(r) : undefined;
  }

  async byDeviceCodeDigest(digest: string): Promise<DeviceCodeRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM oauth_device_codes WHERE device_code_digest = ?', digest) as Row | undefined;
    return r ? toDeviceCode(r) : undefined;
  }

  async byUserCodeDigest(digest: string): Promise<DeviceCodeRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM oauth_device_codes WHERE user_code_digest = ?', digest) as Row | undefined;
    return r ? toDeviceCode(r) : undefined;
  }

  async recordPoll(id: number, now: Date, minGapMs: number): Promise<boolean> {
    const changed = statement(
      this.db,
      `UPDATE oauth_device_codes SET last_polled_at = ? WHERE id = ? AND status = 'pending' AND (last_polled_at IS NULL OR last_polled_at <= ?)`,
    ).run(isoTime(now), id, isoTime(new Date(now.getTime() - minGapMs))).changes;
    return Number(changed) > 0;
  }

  async slowDown(id: number, seconds: number): Promise<number> {
    return inTransaction(this.db, () => {
      statement(this.db, 'UPDATE oauth_device_codes SET interval_seconds = interval_seconds + ? WHERE id = ?').run(seconds, id);
      const r = oneRow(this.db, 'SELECT interval_seconds FROM oauth_device_codes WHERE id = ?', id) as Row | undefined;
      return r ? Number(r.interval_seconds) : 0;
    });
  }

  async decide(id: number, decision: 'approved' | 'denied', userId: number, now: Date): Promise<DeviceCodeRecord | undefined> {
    const changed = statement(
      this.db,
      `UPDATE oauth_device_codes SET status = ?, user_id = ?, ticket_digest = NULL, ticket_user_id = NULL, ticket_expires_at = NULL
       WHERE id = ? AND status = 'pending' AND expires_at > ?`,
    ).run(decision, userId, id, isoTime(now)).changes;
    return Number(changed) > 0 ? this.byId(id) : undefined;
  }

  async markUsed(id: number, tokenId: number, now: Date): Promise<boolean> {
    const changed = statement(this.db, `UPDATE oauth_device_codes SET status = 'used', token_id = ? WHERE id = ? AND status = 'approved' AND expires_at > ?`).run(
      tokenId,
      id,
      isoTime(now),
    ).changes;
    return Number(changed) > 0;
  }

  async setTicket(id: number, ticket: { digest: string; userId: number; expiresAt: Date }): Promise<void> {
    statement(this.db, 'UPDATE oauth_device_codes SET ticket_digest = ?, ticket_user_id = ?, ticket_expires_at = ? WHERE id = ?').run(
      ticket.digest,
      ticket.userId,
      isoTime(ticket.expiresAt),
      id,
    );
  }

  async takeTicket(digest: string, now: Date): Promise<{ code: DeviceCodeRecord; userId: number } | undefined> {
    return inTransaction(this.db, () => {
      const r = statement(
        this.db,
        `SELECT * FROM oauth_device_codes WHERE ticket_digest = ? AND ticket_expires_at > ? AND status = 'pending' AND expires_at > ?`,
      ).get(digest, isoTime(now), isoTime(now)) as Row | undefined;
      if (!r) return undefined;
      statement(this.db, 'UPDATE oauth_device_codes SET ticket_digest = NULL, ticket_user_id = NULL, ticket_expires_at = NULL WHERE id = ?').run(Number(r.id));
      return { code: toDeviceCode(r), userId: Number(r.ticket_user_id) };
    });
  }

  async deleteExpired(before: Date): Promise<number> {
    return Number(statement(this.db, 'DELETE FROM oauth_device_codes WHERE expires_at < ?').run(isoTime(before)).changes);
  }
}
