// Across replicas: every committed change to the tables behind a token look-up or an
// authorization decision raises a NOTIFY on one channel (statement-level triggers, so it also
// holds for changes made by another process, psql included), and each store LISTENs on its own
// connection. A notification moves the store's change version (Store.changeVersion),
// so a principal cached by one replica is dropped as soon as another one — or anything else —
// deletes, revokes, narrows or expires the token (notifications arrive within milliseconds of
// the commit). While the listening connection is down the version is undefined: nothing is
// cached until it is back (and the version moves once more, for what may have been missed).
//
// A connection can also die without a word (a NAT or firewall forgets it, a failover behind the
// same address): no FIN or RST arrives, the socket stays open and notifications simply stop. So
// the listener sends `SELECT 1` on it every `checkIntervalMs`: a check not answered within that
// time (pg's query_timeout) ends the connection and a new one listens. Notifications are sent
// on the connection in order, before the check's answer, so an answered check proves every
// change committed before it was sent has been counted; the version is undefined once the last
// answered check was sent more than two intervals ago (whatever the timers did meanwhile).
//
// Each store sets `tessera.instance` on its connections and the trigger sends it as the payload,
// so a store skips its own notifications (it counts its own writes itself: database.ts).
import { createHash } from 'node:crypto';
import type { Client, ClientConfig, PoolClient } from 'pg';
import { ClosingClient } from './closing-client';

const CHANGE_CHANNEL = 'tessera_changes';

/** Tables whose changes never affect a cached principal: no trigger. */
const UNWATCHED_TABLES = new Set(['schema_migrations', 'audit_events', 'sign_in_failures', 'sign_in_attempts', 'account_logins', 'rate_limits', 'oauth_device_codes', 'oauth_authorization_codes']);
/** Usage timestamps each replica writes on its own and keeps in its cached copies. */
const UNWATCHED_COLUMNS: Record<string, readonly string[]> = {
  tokens: ['last_used_at'],
  credential_authorizations: ['accessed_at'],
  deploy_keys: ['last_used_at'],
};

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Creates (or brings up to date) the notify function and every table's triggers. Run under the migration lock. */
export async function installChangeTriggers(client: PoolClient): Promise<void> {
  await client.query(`CREATE OR REPLACE FUNCTION tessera_notify_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('${CHANGE_CHANNEL}', COALESCE(current_setting('tessera.instance', true), ''));
  RETURN NULL;
END
$fn$`);
  const columns = (
    await client.query<{ table_name: string; column_name: string }>(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
       WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position`,
    )
  ).rows;
  const byTable = new Map<string, string[]>();
  for (const { table_name, column_name } of columns) {
    if (UNWATCHED_TABLES.has(table_name)) continue;
    if (!byTable.has(table_name)) byTable.set(table_name, []);
    if (!UNWATCHED_COLUMNS[table_name]?.includes(column_name)) byTable.get(table_name)!.push(column_name);
  }
  const existing = (
    await client.query<{ table_name: string; tgname: string }>(
      `SELECT c.relname AS table_name, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
       WHERE c.relnamespace = current_schema()::regnamespace AND t.tgname LIKE 'tessera\\_changed\\_%'`,
    )
  ).rows;
  for (const [table, cols] of byTable) {
    const has = new Set(existing.filter((e) => e.table_name === table).map((e) => e.tgname));
    // The update trigger's name carries its column list, so a table that gained columns gets a new one.
    const updateName = `tessera_changed_update_${createHash('sha256').update(cols.join(',')).digest('hex').slice(0, 12)}`;
    if (!has.has('tessera_changed_rows')) {
      await client.query(
        `CREATE TRIGGER tessera_changed_rows AFTER INSERT OR DELETE OR TRUNCATE ON ${quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION tessera_notify_change()`,
      );
    }
    if (!has.has(updateName)) {
      for (const old of has) if (old.startsWith('tessera_changed_update_')) await client.query(`DROP TRIGGER ${quote(old)} ON ${quote(table)}`);
      await client.query(
        `CREATE TRIGGER ${quote(updateName)} AFTER UPDATE OF ${cols.map(quote).join(', ')} ON ${quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION tessera_notify_change()`,
      );
    }
  }
}

const RECONNECT_MS = [100, 250, 500, 1000, 2000];

/** How often the listening connection is checked by default (and how long a check may take). */
export const DEFAULT_CHECK_INTERVAL_MS = 5000;

/** Listens for other writers' changes; counts them. */
export class ChangeListener {
  /** Changes seen from others (plus one for each reconnection). */
  private remote = 0;
  private client: Client | undefined;
  private listening = false;
  private closed = false;
  private attempts = 0;
  private timer: NodeJS.Timeout | undefined;
  private checkTimer: NodeJS.Timeout | undefined;
  /** When (performance.now()) the last answered check — or the LISTEN — was sent. */
  private confirmedAt = 0;

  constructor(
    private readonly config: ClientConfig,
    private readonly instance: string,
    private readonly log: (message: string) => void = () => undefined,
    private readonly checkIntervalMs = DEFAULT_CHECK_INTERVAL_MS,
  ) {}

  /** Resolves once listening (rejects when the first connection fails). */
  async start(): Promise<void> {
    await this.connect();
  }

  /**
   * The version given this process's own committed writes; undefined while not listening, or
   * when the connection has not answered a check sent in the last two intervals.
   */
  version(localWrites: number): number | undefined {
    if (!this.listening || performance.now() - this.confirmedAt > 2 * this.checkIntervalMs) return undefined;
    return localWrites + this.remote;
  }

  private async connect(): Promise<void> {
    // Every statement on this connection (the LISTEN, the checks) is answered within the interval or fails.
    const client = new ClosingClient({ ...this.config, query_timeout: this.checkIntervalMs });
    this.client = client;
    client.on('notification', (msg) => {
      if (msg.channel === CHANGE_CHANNEL && msg.payload !== this.instance) this.remote++;
    });
    client.on('error', (err) => {
      this.log(`change notifications: connection lost (${err.message}); reconnecting`);
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      const sentAt = performance.now();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      this.confirmedAt = sentAt;
    } catch (err) {
      this.lost(client);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.attempts = 0;
    this.remote++; // whatever happened while not listening
    this.listening = true;
    this.scheduleCheck(client);
  }

  /** Checks `client` once more after an interval: an answer confirms it, anything else ends it. */
  private scheduleCheck(client: Client): void {
    this.checkTimer = setTimeout(() => {
      this.checkTimer = undefined;
      if (this.client !== client) return;
      const sentAt = performance.now();
      client.query('SELECT 1').then(
        () => {
          if (this.client !== client) return;
          this.confirmedAt = sentAt;
          this.scheduleCheck(client);
        },
        (err: Error) => {
          if (this.client !== client) return;
          this.log(`change notifications: the listening connection did not answer a check (${err.message}); reconnecting`);
          this.lost(client);
        },
      );
    }, this.checkIntervalMs);
    this.checkTimer.unref();
  }

  /**
   * `client` is no longer listening: the version is undefined until a new connection listens.
   * Its socket is closed (pg destroys it when a statement is still waiting for an answer).
   */
  private lost(client: Client): void {
    if (this.client !== client) return;
    this.listening = false;
    this.client = undefined;
    if (this.checkTimer) clearTimeout(this.checkTimer);
    this.checkTimer = undefined;
    client.end().catch(() => undefined);
    if (!this.closed) this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const delay = RECONNECT_MS[Math.min(this.attempts++, RECONNECT_MS.length - 1)];
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect().catch(() => undefined); // a failure schedules the next attempt
    }, delay);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.checkTimer) clearTimeout(this.checkTimer);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}
