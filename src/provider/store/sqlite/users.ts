import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { USER_PROFILE_COLUMNS, type NewUser, type UserRecord, type UserStore, type UserUpdate } from '../users';
import { date, mapUnique, Row, strOrNull } from './rows';
import { isoTime } from '../../iso-time';
import { allRows, statement, oneRow } from './statements';
import { inTransaction, placeholders } from './transaction';
import { writeStatement } from './shared-read';

export const USER_COLUMNS = ['id', 'login', 'email', 'name', 'password_hash', 'site_admin', 'created_at', 'updated_at', ...USER_PROFILE_COLUMNS.map(([, c]) => c)] as const;

const SELECT = `SELECT u.*, COALESCE(t.enabled, 0) AS two_factor_enabled
  FROM users u LEFT JOIN two_factor t ON t.user_id = u.id`;

export function toUser(r: Row): UserRecord {
  return {
    id: Number(r.id),
    login: String(r.login),
    email: String(r.email),
    name: strOrNull(r.name),
    passwordHash: String(r.password_hash),
    siteAdmin: Number(r.site_admin) === 1,
    twoFactorEnabled: Number(r.two_factor_enabled) === 1,
    profile: {
      bio: strOrNull(r.bio),
      blog: strOrNull(r.blog),
      company: strOrNull(r.company),
      location: strOrNull(r.location),
      twitterUsername: strOrNull(r.twitter_username),
      hireable: r.hireable === null || r.hireable === undefined ? null : Number(r.hireable) === 1,
    },
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

const BY_ID = `${SELECT} WHERE u.id = ?`;
const BY_LOGIN = `${SELECT} WHERE lower(u.login) = lower(?)`;
const BY_EMAIL = `${SELECT} WHERE lower(u.email) = lower(?)`;

function uniqueField(message: string): string {
  return /email/.test(message) ? 'email' : 'login';
}

export class SqliteUserStore implements UserStore {
  private readonly insertStmt: StatementSync;

  constructor(private readonly db: DatabaseSync) {
    this.insertStmt = db.prepare(
      `INSERT INTO users (login, email, name, password_hash, site_admin, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  private insert(u: NewUser): UserRecord {
    const r = mapUnique(
      () => {
        writeStatement(this.db);
        return this.insertStmt.run(u.login, u.email, u.name ?? null, u.passwordHash, u.siteAdmin ? 1 : 0, isoTime(u.createdAt), isoTime(u.createdAt));
      },
      uniqueField,
    );
    return toUser(oneRow(this.db, BY_ID, Number(r.lastInsertRowid)) as Row);
  }

  async create(user: NewUser): Promise<UserRecord> {
    return this.insert(user);
  }

  async createFirstIsAdmin(user: Omit<NewUser, 'siteAdmin'>): Promise<UserRecord> {
    return (await this.first(user, true))!;
  }

  async createFirst(user: Omit<NewUser, 'siteAdmin'>): Promise<UserRecord | undefined> {
    return this.first(user, false);
  }

  /** The user, as site admin when there is no user yet; otherwise as a normal user when `orMember`, else not at all. */
  private async first(user: Omit<NewUser, 'siteAdmin'>, orMember: boolean): Promise<UserRecord | undefined> {
    return inTransaction(this.db, () => {
      const { n } = oneRow(this.db, 'SELECT COUNT(*) AS n FROM users') as { n: number };
      const first = Number(n) === 0;
      return first || orMember ? this.insert({ ...user, siteAdmin: first }) : undefined;
    });
  }

  async byId(id: number): Promise<UserRecord | undefined> {
    const r = oneRow(this.db, BY_ID, id) as Row | undefined;
    return r ? toUser(r) : undefined;
  }

  async byIds(ids: readonly number[]): Promise<UserRecord[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    return allRows(this.db, `${SELECT} WHERE u.id IN (${placeholders(unique.length)}) ORDER BY u.id`, ...unique).map(toUser);
  }

  async byLogin(login: string): Promise<UserRecord | undefined> {
    const r = oneRow(this.db, BY_LOGIN, login) as Row | undefined;
    return r ? toUser(r) : undefined;
  }

  async byEmail(email: string): Promise<UserRecord | undefined> {
    const r = oneRow(this.db, BY_EMAIL, email) as Row | undefined;
    return r ? toUser(r) : undefined;
  }

  async count(): Promise<number> {
    const { n } = oneRow(this.db, 'SELECT COUNT(*) AS n FROM users') as { n: number };
    return Number(n);
  }

  async update(id: number, u: UserUpdate): Promise<UserRecord | undefined> {
    const sets: string[] = ['updated_at = ?'];
    const args: (string | number | null)[] = [isoTime(u.updatedAt)];
    if (u.email !== undefined) { sets.push('email = ?'); args.push(u.email); }
    if (u.name !== undefined) { sets.push('name = ?'); args.push(u.name); }
    for (const [key, col] of USER_PROFILE_COLUMNS) {
      const v = u.profile?.[key];
      if (v !== undefined) { sets.push(`${col} = ?`); args.push(typeof v === 'boolean' ? Number(v) : v); }
    }
    mapUnique(() => statement(this.db, `UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...args, id), uniqueField);
    return this.byId(id);
  }

  async replacePasswordHash(id: number, previous: string, next: string): Promise<boolean> {
    return Number(statement(this.db, 'UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?').run(next, id, previous).changes) === 1;
  }
}
