// The store contract (store-contract/) against the PostgreSQL store: a real server for this file
// (test/harness/postgres.ts) and a fresh database for each test.
import { usePostgres } from './helpers/postgres-stores';
import { storeContract } from './store-contract/contract';

describe('PostgreSQL store', function () {
  this.timeout(60_000);
  const pg = usePostgres();
  storeContract('PostgreSQL', async () => {
    const store = await pg.openStore(await pg.newDatabase());
    return { store, dispose: () => store.close() };
  });
});
