// A service's writes as one transaction: `fn` gets a context whose store is the transaction's, so
// every helper it calls with that context (audit events included) writes inside it.
import type { ProviderContext } from './context';

export function withTransaction<T>(ctx: ProviderContext, fn: (tx: ProviderContext) => Promise<T>): Promise<T> {
  return ctx.store.transaction((store) => fn({ ...ctx, store }));
}
