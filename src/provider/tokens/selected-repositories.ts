// The repositories fine-grained `subset` tokens select, as short repository objects: read for a
// whole list of tokens at once (the selections with their repositories, then their owners' logins).
import type { ProviderContext } from '../context';
import { accountKey, accountLogins } from '../repos/account-owner';
import type { TokenRepositoryJson } from '../../shared/api-types';
import type { SelectedRepository } from '../store/fine-grained-tokens';
import type { TokenRecord } from '../store/tokens';

/**
 * Each subset token's selected repositories (ordered by name), by token id. `alsoLoginsOf` adds the
 * logins of these other accounts to the same read and hands them back (a token's resource owner).
 */
export async function selectedRepositoriesOf(
  ctx: ProviderContext,
  tokens: readonly Pick<TokenRecord, 'id' | 'repositorySelection'>[],
  alsoLoginsOf: readonly { type: 'User' | 'Organization'; id: number }[] = [],
): Promise<{ selected: Map<number, TokenRepositoryJson[]>; logins: Map<string, string> }> {
  const subset = tokens.filter((t) => t.repositorySelection === 'subset');
  const repos = subset.length ? await ctx.store.fineGrainedTokens.selectedRepositoriesOf(subset.map((t) => t.id)) : new Map<number, SelectedRepository[]>();
  const owners = [...repos.values()].flat().map((r) => ({ type: r.ownerType, id: r.ownerId }));
  const logins = await accountLogins(ctx, [...alsoLoginsOf, ...owners]);
  const selected = new Map<number, TokenRepositoryJson[]>();
  for (const t of subset) {
    selected.set(
      t.id,
      (repos.get(t.id) ?? []).map((r) => {
        const login = logins.get(accountKey(r.ownerType, r.ownerId)) ?? '';
        return { id: r.id, name: r.name, full_name: `${login}/${r.name}`, private: r.private, owner: { login } };
      }),
    );
  }
  return { selected, logins };
}
