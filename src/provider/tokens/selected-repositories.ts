// The repositories fine-grained `subset` tokens select, as short repository objects: read for a
// whole list of tokens at once (the selections, the repositories, then their owners' logins).
import type { ProviderContext } from '../context';
import { accountKey, accountLogins } from '../repos/account-owner';
import type { TokenRepositoryJson } from '../../shared/api-types';
import type { TokenRecord } from '../store/tokens';

/**
 * Each subset token's selected repositories (ordered by name), by token id. `alsoLoginsOf` adds the
 * logins of these other accounts to the same read and hands them back (a token's resource owner).
 */
export async function selectedRepositoriesOf(
  ctx: ProviderContext,
  tokens: readonly TokenRecord[],
  alsoLoginsOf: readonly { type: 'User' | 'Organization'; id: number }[] = [],
): Promise<{ selected: Map<number, TokenRepositoryJson[]>; logins: Map<string, string> }> {
  const subset = tokens.filter((t) => t.repositorySelection === 'subset');
  const ids = subset.length ? await ctx.store.fineGrainedTokens.repositoryIdsOf(subset.map((t) => t.id)) : new Map<number, number[]>();
  const all = [...new Set([...ids.values()].flat())];
  const repos = all.length ? await ctx.store.repositories.list({ ids: all }) : [];
  const logins = await accountLogins(ctx, [...alsoLoginsOf, ...repos.map((r) => ({ type: r.ownerType, id: r.ownerId }))]);
  const selected = new Map<number, TokenRepositoryJson[]>();
  for (const t of subset) {
    const wanted = new Set(ids.get(t.id));
    selected.set(
      t.id,
      repos
        .filter((r) => wanted.has(r.id))
        .map((r) => {
          const login = logins.get(accountKey(r.ownerType, r.ownerId)) ?? '';
          return { id: r.id, name: r.name, full_name: `${login}/${r.name}`, private: r.private, owner: { login } };
        }),
    );
  }
  return { selected, logins };
}
