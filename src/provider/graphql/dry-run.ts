// GitHub's `rateLimit(dryRun: true)`: the query's cost without evaluating it. An operation that
// asks for it (at its root, by a literal or a variable, under any alias, through fragments) runs
// none of its other fields, and is not counted against the caller's `graphql` bucket
// (execute-request.ts gives the count back before the rateLimit fields are resolved).
import {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  getDirectiveValues,
  GraphQLBoolean,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  OperationDefinitionNode,
  SelectionNode,
  SelectionSetNode,
  valueFromAST,
} from 'graphql';

type Variables = Record<string, unknown>;

function included(node: SelectionNode, variables: Variables): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

/**
 * The root `rateLimit` fields of a selection set, through its fragments: each fragment read once
 * (`visited`), as GraphQL's execution collects fields, so fragments that spread each other many
 * times over cost their size, not the number of paths through them.
 */
function rootRateLimitFields(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, variables: Variables, visited = new Set<string>(), out: FieldNode[] = []): FieldNode[] {
  for (const s of set.selections) {
    if (!included(s, variables)) continue;
    if (s.kind === Kind.FIELD) {
      if (s.name.value === 'rateLimit') out.push(s);
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      rootRateLimitFields(s.selectionSet, fragments, variables, visited, out);
    } else if (!visited.has(s.name.value)) {
      visited.add(s.name.value);
      const f = fragments.get(s.name.value);
      if (f) rootRateLimitFields(f.selectionSet, fragments, variables, visited, out);
    }
  }
  return out;
}

const isDryRun = (field: FieldNode, variables: Variables): boolean => {
  const arg = field.arguments?.find((a) => a.name.value === 'dryRun');
  return arg !== undefined && valueFromAST(arg.value, GraphQLBoolean, variables) === true;
};

/**
 * The document to run instead of `op` when it asks for a dry run: only its root `rateLimit`
 * fields; undefined for an ordinary operation. `variables` are the operation's, coerced.
 */
export function dryRunDocument(op: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>, variables: Variables): DocumentNode | undefined {
  if (op.operation !== 'query') return undefined;
  const fields = rootRateLimitFields(op.selectionSet, fragments, variables);
  if (!fields.some((f) => isDryRun(f, variables))) return undefined;
  return { kind: Kind.DOCUMENT, definitions: [{ ...op, selectionSet: { kind: Kind.SELECTION_SET, selections: fields } }] };
}
