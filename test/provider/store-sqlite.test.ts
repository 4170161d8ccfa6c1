// The store contract (store-contract/) against the SQLite store, each test on a fresh database.
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSqliteStore } from '../../src/provider/store/sqlite/sqlite-store';
import { storeContract } from './store-contract/contract';

storeContract('SQLite', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tessera-store-'));
  const store = await openSqliteStore(dir);
  return {
    store,
    async dispose() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
