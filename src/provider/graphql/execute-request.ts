// One GraphQL request: parse (bounded), validate (GraphQL's rules plus a depth limit, so nested
// connections cannot multiply the work without bound), execute (only the rateLimit fields of a dry
// run, dry-run.ts), and write the errors in GitHub's shape. Answers are always an object with `data` and/or `errors` (HTTP 200, as GitHub does).
import {
  ASTVisitor,
  DocumentNode,
  execute,
  FieldNode,
  FragmentDefinitionNode,
  getVariableValues,
  GraphQLError,
  GraphQLSchema,
  Kind,
  parse,
  SelectionSetNode,
  specifiedRules,
  ValidationContext,
  validate,
} from 'graphql';
import { uncountRequest } from '../http/api-rate-limit';
import { absentFeatureError } from './absent-feature-errors';
import { dryRunDocument } from './dry-run';
import { formatError } from './errors';
import { MAX_NODES, possibleNodes } from './node-limit';
import type { GraphqlContext } from './graphql-context';

export interface GraphqlRequestBody {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

const MAX_DEPTH = 10;
const MAX_TOKENS = 10_000;

/**
 * The depth of a selection set; each fragment's depth is worked out once (`memo`), so fragments
 * that spread each other many times over cost their size, not the number of paths through them.
 * A fragment already being measured (a cycle, which validation refuses) counts 0.
 */
function depthOf(set: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, memo: Map<string, number>): number {
  if (!set) return 0;
  let max = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) max = Math.max(max, (s as FieldNode).selectionSet ? 1 + depthOf(s.selectionSet, fragments, memo) : 1);
    else if (s.kind === Kind.INLINE_FRAGMENT) max = Math.max(max, depthOf(s.selectionSet, fragments, memo));
    else {
      const name = s.name.value;
      let depth = memo.get(name);
      if (depth === undefined) {
        memo.set(name, 0);
        depth = depthOf(fragments.get(name)?.selectionSet, fragments, memo);
        memo.set(name, depth);
      }
      max = Math.max(max, depth);
    }
  }
  return max;
}

function depthLimitRule(context: ValidationContext): ASTVisitor {
  const doc = context.getDocument();
  const fragments = new Map(
    doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d] as const),
  );
  return {
    OperationDefinition(node) {
      const depth = depthOf(node.selectionSet, fragments, new Map());
      if (depth > MAX_DEPTH) context.reportError(new GraphQLError(`Query has depth of ${depth}, which exceeds max depth of ${MAX_DEPTH}`, { nodes: [node] }));
    },
  };
}

export async function executeGraphqlRequest(schema: GraphQLSchema, g: GraphqlContext, body: GraphqlRequestBody): Promise<Record<string, unknown>> {
  const onBug = (err: unknown) => g.ctx.log('error', `POST /api/graphql: ${(err as Error)?.stack ?? String(err)}`);
  let document;
  try {
    document = parse(body.query, { maxTokens: MAX_TOKENS });
  } catch (err) {
    return { errors: [formatError(err as GraphQLError, onBug, g.ctx.store)] };
  }
  const invalid = validate(schema, document, [...specifiedRules, depthLimitRule]);
  if (invalid.length) {
    const absent = absentFeatureError(invalid);
    return { errors: (absent ? [absent] : invalid).map((e) => formatError(e, onBug, g.ctx.store)) };
  }
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d] as const),
  );
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  let run: DocumentNode = document;
  for (const op of operations) {
    if (body.operationName != null && op.name?.value !== body.operationName) continue;
    // Page sizes as the query will run with them: the variables coerced, defaults filled in (bad
    // variables are left to execute, which reports them).
    const coerced = getVariableValues(schema, op.variableDefinitions ?? [], body.variables ?? {});
    if (!coerced.coerced) continue;
    const nodes = possibleNodes(op, fragments, coerced.coerced);
    g.nodeCount = nodes;
    if (nodes > MAX_NODES) {
      return {
        errors: [
          { type: 'MAX_NODE_LIMIT_EXCEEDED', message: `This query requires up to ${nodes} possible nodes which exceeds the maximum allowed of ${MAX_NODES}.` },
        ],
      };
    }
    // The operation that runs (one named, or the only one): a dry run runs its rateLimit fields only, uncounted.
    const dryRun = body.operationName != null || operations.length === 1 ? dryRunDocument(op, fragments, coerced.coerced) : undefined;
    if (dryRun) {
      await uncountRequest(g.ctx, g.request, g.reply);
      run = dryRun;
    }
  }
  const result = await execute({
    schema,
    document: run,
    contextValue: g,
    variableValues: body.variables ?? undefined,
    operationName: body.operationName ?? undefined,
  });
  return {
    ...(result.errors?.length ? { errors: result.errors.map((e) => formatError(e, onBug, g.ctx.store)) } : {}),
    ...('data' in result ? { data: result.data ?? null } : {}),
  };
}
