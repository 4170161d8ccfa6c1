// Across replicas: every committed change to the tables behind a token look-up or an
// authorization decision raises a NOTIFY on one channel (statement-level triggers, so it also
// holds for changes made by another process, psql included), and each store LISTENs on its own
// connection. A notification moves the store's change version (Store.changeVersion),
// so a principal cached by one replica is dropped as soon as another one — or anything else —
// deletes, revokes, narrows or expires the token (notifications arrive within milliseconds of
// the commit). While the listening connection is down the version is undefined: nothing is
// cached until it is back (and the version moves once more, for what may have been missed).
//
// Each store sets `tessera.instance` on its connections and the trigger sends it as the payload,
// so a store skips its own notifications (it counts its own writes itself: database.ts).
import { createHash } from 'node:crypto';
import { Client, ClientConfig, PoolClient } from 'pg';

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

/** Listens for other writers' changes; counts them. */
export class ChangeListener {
  /** Changes seen from others (plus one for each reconnection). */
  private remote = 0;
  private client: Client | undefined;
  private listening = false;
  private closed = false;
  private attempts = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: ClientConfig,
    private readonly instance: string,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /** Resolves once listening (rejects when the first connection fails). */
  async start(): Promise<void> {
    await this.connect();
  }

  /** The version given this process's own committed writes; undefined while not listening. */
  version(localWrites: number): number | undefined {
    return this.listening ? localWrites + this.remote : undefined;
  }

  private async connect(): Promise<void> {
    const client = new Client(this.config);
    this.client = client;
    client.on('notification', (msg) => {
      if (msg.channel === CHANGE_CHANNEL && msg.payload !== this.instance) this.remote++;
    });
    const lost = () => {
      if (this.client !== client) return;
      this.listening = false;
      this.client = undefined;
      if (!this.closed) this.schedule();
    };
    client.on('error', (err) => {
      this.log(`change notifications: connection lost (${err.message}); reconnecting`);
      lost();
    });
    client.on('end', lost);
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (err) {
      lost();
      client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.attempts = 0;
    this.remote++; // whatever happened while not listening
    this.listening = true;
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
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}
