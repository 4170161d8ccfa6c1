import { USER_PROFILE_COLUMNS, type NewUser, type UserRecord, type UserStore, type UserUpdate } from '../users';
import { toUser } from '../sqlite/users';
import { mapUnique, Params, PgDb } from './database';

const USER_SELECT = `SELECT u.*, COALESCE(t.enabled, FALSE) AS two_factor_enabled
  FROM users u LEFT JOIN two_factor t ON t.user_id = u.id`;

function uniqueField(constraint: string): string {
  return /email/.test(constraint) ? 'email' : 'login';
}

export class PgUserStore implements UserStore {
  constructor(private readonly db: PgDb) {}

  private async insert(db: PgDb, u: NewUser): Promise<UserRecord> {
    const r = await mapUnique(
      db,
      () =>
        db.write(
          `INSERT INTO users (login, email, name, password_hash, site_admin, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
          [u.login, u.email, u.name ?? null, u.passwordHash, u.siteAdmin, u.createdAt],
        ),
      uniqueField,
    );
    return toUser((await db.row(`${USER_SELECT} WHERE u.id = $1`, [r.rows[0].id]))!);
  }

  async create(user: NewUser): Promise<UserRecord> {
    return this.insert(this.db, user);
  }

  async createFirstIsAdmin(user: Omit<NewUser, 'siteAdmin'>): Promise<UserRecord> {
    return (await this.first(user, true))!;
  }

  async createFirst(user: Omit<NewUser, 'siteAdmin'>): Promise<UserRecord | undefined> {
    return this.first(user, false);
  }

  /** The user, as site admin when there is no user yet; otherwise as a normal user when `orMember`, else not at all. */
  private first(user: Omit<NewUser, 'siteAdmin'>, orMember: boolean): Promise<UserRecord | undefined> {
    return this.db.transaction(async (tx) => {
      // Two first sign-ups at once: the second waits here and then sees the first.
      await tx.write('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE');
      const r = await tx.row('SELECT EXISTS (SELECT 1 FROM users) AS any');
      return !r?.any || orMember ? this.insert(tx, { ...user, siteAdmin: !r?.any }) : undefined;
    });
  }

  async byId(id: number): Promise<UserRecord | undefined> {
    const r = await this.db.row(`${USER_SELECT} WHERE u.id = $1`, [id]);
    return r ? toUser(r) : undefined;
  }

  async byIds(ids: readonly number[]): Promise<UserRecord[]> {
    if (!ids.length) return [];
    return (await this.db.rows(`${USER_SELECT} WHERE u.id = ANY($1::bigint[]) ORDER BY u.id`, [[...new Set(ids)]])).map(toUser);
  }

  async byLogin(login: string): Promise<UserRecord | undefined> {
    const r = await this.db.row(`${USER_SELECT} WHERE lower(u.login) = lower($1)`, [login]);
    return r ? toUser(r) : undefined;
  }

  async byEmail(email: string): Promise<UserRecord | undefined> {
    const r = await this.db.row(`${USER_SELECT} WHERE lower(u.email) = lower($1)`, [email]);
    return r ? toUser(r) : undefined;
  }

  async count(): Promise<number> {
    return Number((await this.db.row('SELECT COUNT(*) AS n FROM users'))!.n);
  }

  async update(id: number, u: UserUpdate): Promise<UserRecord | undefined> {
    const p = new Params();
    const sets = [`updated_at = ${p.add(u.updatedAt)}`];
    if (u.email !== undefined) sets.push(`email = ${p.add(u.email)}`);
    if (u.name !== undefined) sets.push(`name = ${p.add(u.name)}`);
    for (const [key, col] of USER_PROFILE_COLUMNS) {
      const v = u.profile?.[key];
      if (v !== undefined) sets.push(`${col} = ${p.add(v)}`);
    }
    await mapUnique(this.db, () => this.db.write(`UPDATE users SET ${sets.join(', ')} WHERE id = ${p.add(id)}`, p.values), uniqueField);
    return this.byId(id);
  }

  async replacePasswordHash(id: number, previous: string, next: string): Promise<boolean> {
    return (await this.db.changes('UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3', [next, id, previous])) === 1;
  }
}
