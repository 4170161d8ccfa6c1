// The store contract: what every Store backend must do, method by method, with its errors and
// under concurrency. A backend's test file calls `storeContract` with a factory of empty stores
// (sqlite-store.test.ts for SQLite); a new backend passes the same suite unchanged.
import { approvalStoreContract } from './approvals-contract';
import { accountStoreContract } from './accounts-contract';
import type { StoreFactory } from './fixtures';
import { oauthStoreContract } from './oauth-contract';
import { orgStoreContract } from './orgs-contract';
import { profileStoreContract } from './profiles-contract';
import { rateLimitStoreContract } from './rate-limits-contract';
import { repositoryStoreContract } from './repositories-contract';
import { tokenStoreContract } from './tokens-contract';
import { transactionContract } from './transaction-contract';

export type { StoreFactory } from './fixtures';

export function storeContract(name: string, makeStore: StoreFactory): void {
  describe(`store contract: ${name}`, () => {
    accountStoreContract(makeStore);
    tokenStoreContract(makeStore);
    orgStoreContract(makeStore);
    repositoryStoreContract(makeStore);
    profileStoreContract(makeStore);
    approvalStoreContract(makeStore);
    oauthStoreContract(makeStore);
    transactionContract(makeStore);
    rateLimitStoreContract(makeStore);
  });
}
