// The PostgreSQL database's record of its data key (secrets/data-key.ts): the data_key table,
// read and written in a transaction holding an advisory lock, so replicas starting together
// agree on one key (the first makes and saves it; the others then find it in their source).
import type { Pool, PoolClient } from 'pg';
import { ClosingClient } from './closing-client';
import type { DataKeyLedger } from '../../secrets/data-key';
import { refuseNewerSchema } from '../sqlite/migrate';
import { MIGRATIONS } from '../sqlite/migrations';
import { takeServingLockAlone } from './serving-lock';
import { holdsSealedTwoFactorSecrets } from './two-factor';
import { describePostgresUrl } from './url';

/** Serializes key creation (and its reset) across replicas, for the rest of the transaction. */
const LOCK_DATA_KEY = `SELECT pg_advisory_xact_lock(hashtext('tessera.data-key'))`;

/** The id of the data key the database belongs to (none: no key yet, or a reset forgot it). */
export async function recordedKeyId(client: Pick<PoolClient, 'query'>): Promise<string | undefined> {
  const r = await client.query<{ key_id: string }>('SELECT key_id FROM data_key WHERE id = 1');
  return r.rows[0]?.key_id;
}

/**
 * For a replica's serving lock taken again (serving-lock.ts checkOnRetake): why it must stop when
 * the database no longer belongs to the key it unlocked at its start (`keyId`), as after a
 * `tessera reset-two-factor --db` that ran while it did not hold the lock. It stops rather than
 * make its key the database's again: another replica may have started since with a new key, and
 * a start (unlockDataKey) is the one place that decides which key the database takes.
 */
export function dataKeyStillRecorded(keyId: string): (client: Pick<PoolClient, 'query'>) => Promise<string | undefined> {
  return async (client) =>
    (await recordedKeyId(client)) === keyId
      ? undefined
      : 'the database no longer belongs to the data key this server unlocked at its start (a `tessera reset-two-factor --db` ran meanwhile): ' +
        'start it again to take the database\'s key';
}

export function pgDataKeyLedger(pool: Pool): DataKeyLedger {
  return {
    async locked(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        await client.query(LOCK_DATA_KEY);
        const out = await fn({
          keyId: () => recordedKeyId(client),
          async setKeyId(keyId, now) {
            await client.query(
              `INSERT INTO data_key (id, key_id, created_at) VALUES (1, $1, $2)
               ON CONFLICT (id) DO UPDATE SET key_id = excluded.key_id, created_at = excluded.created_at`,
              [keyId, now],
            );
          },
          holdsSealedSecrets: () => holdsSealedTwoFactorSecrets(client),
        });
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        client.release(broken);
      }
    },
  };
}

/**
 * `tessera reset-two-factor --db URL`, as sqlite/two-factor.ts's resetAllTwoFactor on SQLite:
 * removes two-factor authentication (secrets and recovery codes) from every account and forgets
 * the data key, in one transaction under the key's lock, so the next replica to start makes a new
 * key. The way out when the team's key is lost for good. Returns how many accounts had two-factor
 * set up or pending. Refuses a database without Tessera's schema, or with a newer Tessera's.
 *
 * Refused while a team server runs on the database, on this host or another (it holds the serving
 * lock, serving-lock.ts, which this takes alone, as `tessera migrate` does). The rows' removal
 * would reach a running replica (its caches follow every commit: change-notifications.ts), but the
 * key would not: a replica keeps the key it unlocked at its start, and would go on sealing new
 * two-factor secrets under it while the database records none, or the new one the next replica to
 * start makes, which cannot open them. Held until the client ends, so no replica starts meanwhile.
 */
export async function resetAllTwoFactorPg(url: string): Promise<number> {
  const client = new ClosingClient({ connectionString: url, application_name: 'tessera', connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const schema = await client.query<{ t: string | null }>(`SELECT to_regclass('data_key') AS t`);
    if (!schema.rows[0].t) throw new Error(`no Tessera database at ${describePostgresUrl(url)} (it has no data_key table)`);
    // A newer Tessera's schema may keep two-factor data where this one would not remove it.
    const newest = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    refuseNewerSchema(newest.rows[0].v, MIGRATIONS);
    await takeServingLockAlone(
      client,
      (servers) =>
        new Error(
          `a team server is running on it (${servers} replica(s) hold it; \`tessera serve\` on this host or another): ` +
            'stop every replica, then run this again (a running replica would go on with the key it read when it started)',
        ),
    );
    await client.query('BEGIN');
    try {
      await client.query(LOCK_DATA_KEY);
      const { n } = (await client.query<{ n: string }>('SELECT count(*) AS n FROM two_factor')).rows[0];
      await client.query('DELETE FROM recovery_codes');
      await client.query('DELETE FROM two_factor');
      await client.query('DELETE FROM data_key');
      await client.query('COMMIT');
      return Number(n);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    await client.end();
  }
}
