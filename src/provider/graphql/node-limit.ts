// GitHub's node limit: the nodes a query may return, counted before it runs as the sum over its
// connections of `first`/`last` times those of the connections around it (and, Tessera's, each
// object looked up by name as a connection of one). Nested connections
// multiply (and each repository may cost a git call), so a query over the limit is refused
// whole (MAX_NODE_LIMIT_EXCEEDED) instead of running.
import { FragmentDefinitionNode, Kind, OperationDefinitionNode, SelectionSetNode, ValueNode } from 'graphql';
import { ALWAYS_EMPTY_CONNECTIONS } from './absent-features';

export const MAX_NODES = 1_000;

/**
 * Fields that look one object up by its name (a database read and the guard list each): a node
 * each, as a connection of one. GitHub counts connections only; without these, aliases of a
 * lookup spread through fragments (`a1: repository(name: …) { owner { ...F } } a2: …`) multiply
 * the lookups past any bound while counting no node at all.
 */
const LOOKUPS: ReadonlySet<string> = new Set(['repository', 'repositoryOwner', 'user', 'organization']);

function pageSize(args: readonly { name: { value: string }; value: ValueNode }[] | undefined, variables: Record<string, unknown>): number | undefined {
  for (const a of args ?? []) {
    if (a.name.value !== 'first' && a.name.value !== 'last') continue;
    if (a.value.kind === Kind.INT) return Number(a.value.value);
    if (a.value.kind === Kind.VARIABLE) {
      const v = variables[a.value.name.value];
      if (typeof v === 'number') return v;
    }
  }
  return undefined;
}

/**
 * The nodes one instance of `set` may return. It scales with the page sizes around it, so each
 * fragment is counted once (`memo`) and multiplied where it is spread: fragments that spread each
 * other many times over cost their size, not the number of paths through them. A fragment already
 * being counted (a cycle, which validation refuses) counts 0.
 */
function count(set: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, variables: Record<string, unknown>, memo: Map<string, number>): number {
  if (!set) return 0;
  let total = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      // Connections Tessera always answers empty return no nodes, whatever their first/last.
      if (ALWAYS_EMPTY_CONNECTIONS.has(s.name.value)) continue;
      const n = pageSize(s.arguments, variables) ?? (LOOKUPS.has(s.name.value) ? 1 : undefined);
      const inner = count(s.selectionSet, fragments, variables, memo);
      total += n === undefined ? inner : Math.max(n, 0) * (1 + inner);
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      total += count(s.selectionSet, fragments, variables, memo);
    } else {
      const name = s.name.value;
      let nodes = memo.get(name);
      if (nodes === undefined) {
        memo.set(name, 0);
        nodes = count(fragments.get(name)?.selectionSet, fragments, variables, memo);
        memo.set(name, nodes);
      }
      total += nodes;
    }
  }
  return total;
}

/** The nodes `operation` may return at most. */
export function possibleNodes(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>, variables: Record<string, unknown>): number {
  return count(operation.selectionSet, fragments, variables, new Map());
}
