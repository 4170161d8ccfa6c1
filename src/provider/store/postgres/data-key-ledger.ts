// The PostgreSQL database's record of its data key (secrets/data-key.ts): the data_key table,
// read and written in a transaction holding an advisory lock, so replicas starting together
// agree on one key (the first makes and saves it; the others then find it in their source).
import type { Pool } from 'pg';
import type { DataKeyLedger } from '../../secrets/data-key';
import { holdsSealedTwoFactorSecrets } from './two-factor';

export function pgDataKeyLedger(pool: Pool): DataKeyLedger {
  return {
    async locked(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        await client.query(`SELECT pg_advisory_xact_lock(hashtext('tessera.data-key'))`);
        const out = await fn({
          async keyId() {
            const r = await client.query<{ key_id: string }>('SELECT key_id FROM data_key WHERE id = 1');
            return r.rows[0]?.key_id;
          },
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
